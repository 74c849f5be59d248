import { describe, expect, it } from 'vitest';
import type { CampaignProgress, CampaignReport } from '../shared/campaign.js';
import { formatCampaignSummary, ProgressDisplay, WAITING_REMINDER_MS } from './progress-display.js';

function progress(patch: Partial<CampaignProgress>, updatedAt: string): CampaignProgress {
  return {
    campaignId: 'c-1',
    name: 'sweep',
    state: 'awaiting-approval',
    startedAt: '2026-01-01T00:00:00.000Z',
    updatedAt,
    totals: {
      targets: 10,
      targetsDone: 0,
      hostsUp: 0,
      openPorts: 0,
      findings: { critical: 0, high: 0, medium: 0, low: 0, none: 0 },
    },
    batches: [],
    approval: {
      id: 'ap-1',
      reasons: [],
      requestedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-02T00:00:00.000Z',
    },
    ...patch,
  } as CampaignProgress;
}

function pipe() {
  const lines: string[] = [];
  return {
    lines,
    stream: { isTTY: false, columns: 80, write: (text: string) => lines.push(text) > 0 },
  };
}

describe('piped progress', () => {
  it('prints a waiting campaign once, then a reminder a minute, not a line per poll', () => {
    const { lines, stream } = pipe();
    let now = 0;
    const display = new ProgressDisplay(stream as never, () => now);
    // One poll a second for ten minutes of waiting (600 polls).
    for (let second = 0; second < 600; second++) {
      now = second * 1000;
      display.update(progress({}, new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString()));
    }
    expect(lines.length).toBe(Math.ceil(600_000 / WAITING_REMINDER_MS));
    // Then the campaign moves: every change is a line.
    display.update(
      progress({ state: 'scanning', approval: undefined }, '2026-01-01T00:10:01.000Z'),
    );
    display.update(
      progress(
        {
          state: 'scanning',
          approval: undefined,
          totals: { ...progress({}, '').totals, targetsDone: 4 },
        },
        '2026-01-01T00:10:02.000Z',
      ),
    );
    display.update(
      progress(
        {
          state: 'scanning',
          approval: undefined,
          totals: { ...progress({}, '').totals, targetsDone: 4 },
        },
        '2026-01-01T00:10:03.000Z',
      ),
    );
    expect(lines.slice(-2).map((line) => /(\d+)\/10 targets/.exec(line)?.[1])).toEqual(['0', '4']);
    expect(lines.length).toBe(Math.ceil(600_000 / WAITING_REMINDER_MS) + 2);
  });
});

describe('campaign summary', () => {
  it('says a rejected campaign ran no engine instead of "engine ?"', () => {
    const report = {
      campaignId: 'c-1',
      name: 'sweep',
      request: { engine: 'auto' },
      state: 'rejected',
      totals: progress({}, '').totals,
      hosts: [],
      threats: [],
      skipped: [],
      failedBatches: [],
      audit: [],
      complete: false,
    } as unknown as CampaignReport;
    const text = formatCampaignSummary(report);
    expect(text).toContain('no engine ran (rejected before scanning), 0/10 targets scanned');
    expect(text).not.toContain('engine ?');
  });
});
