import { describe, expect, it } from 'vitest';
import type { CampaignProgress, CampaignReport } from '../shared/campaign.js';
import {
  formatCampaignSummary,
  PIPED_COUNTS_INTERVAL_MS,
  ProgressDisplay,
  WAITING_REMINDER_MS,
} from './progress-display.js';

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
    // Then the campaign moves: a new state is a line at once, new counts once the interval passed.
    display.update(
      progress({ state: 'scanning', approval: undefined }, '2026-01-01T00:10:01.000Z'),
    );
    now += PIPED_COUNTS_INTERVAL_MS;
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

/** A one-batch campaign of 256 hosts, scanning: the durable totals say 0 until the batch ends. */
function oneBatchScan(hostsScanned: number | undefined, targetsDone = 0, second = 1) {
  return progress(
    {
      state: targetsDone === 256 ? 'completed' : 'scanning',
      approval: undefined,
      totals: { ...progress({}, '').totals, targets: 256, targetsDone },
      batchSize: 256,
      batches: [
        {
          index: 0,
          state: targetsDone === 256 ? 'done' : 'running',
          targets: 256,
          hostsUp: 0,
          openPorts: 0,
          findings: { critical: 0, high: 0, medium: 0, low: 0, none: 0 },
        },
      ],
      ...(hostsScanned !== undefined && { live: { hostsScanned } }),
    },
    new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
  );
}

describe('terminal progress bar', () => {
  function terminal() {
    const writes: string[] = [];
    return {
      writes,
      stream: { isTTY: true, columns: 200, write: (text: string) => writes.push(text) > 0 },
    };
  }
  const bar = (write: string) => /\[([#.]+)\] (\d+)%/.exec(write);

  it('moves per host inside a single batch, not 0 % then 100 %', () => {
    const { writes, stream } = terminal();
    const display = new ProgressDisplay(stream as never);
    for (const hostsScanned of [undefined, 32, 128, 255, 256])
      display.update(oneBatchScan(hostsScanned));
    display.update(oneBatchScan(undefined, 256, 9));
    const percents = writes.map((write) => bar(write)?.[2]).filter(Boolean);
    expect(percents).toEqual(['0', '12', '50', '99', '99', '100']);
    expect(writes[2]).toContain('128/256 targets');
    expect(bar(writes[2]!)?.[1]).toBe(`${'#'.repeat(12)}${'.'.repeat(12)}`);
    // The finished campaign ends its line.
    expect(writes.at(-1)).toBe('\n');
  });

  it('counts elapsed time on its own clock while the batch runs (the stored time moves per batch)', () => {
    const { writes, stream } = terminal();
    const now = Date.parse('2026-01-01T00:00:42.000Z');
    const display = new ProgressDisplay(stream as never, () => now);
    display.update(oneBatchScan(100));
    expect(writes[0]).toContain('(42s)');
  });

  it('stays per batch when no live count is known (a scanner on a cluster worker)', () => {
    const { writes, stream } = terminal();
    const display = new ProgressDisplay(stream as never);
    display.update(oneBatchScan(undefined));
    expect(bar(writes[0]!)?.[2]).toBe('0');
    expect(writes[0]).toContain('0/256 targets');
  });
});

describe('piped progress while scanning', () => {
  it('prints new host counts at most once per interval, and the latest count once it passes', () => {
    const { lines, stream } = pipe();
    let now = 0;
    const display = new ProgressDisplay(stream as never, () => now);
    // Two polls a second while 256 hosts finish over 16 s.
    for (let poll = 0; poll <= 32; poll++) {
      now = poll * 500;
      display.update(oneBatchScan(poll * 8));
    }
    const counts = lines.map((line) => Number(/(\d+)\/256 targets/.exec(line)?.[1]));
    expect(counts).toEqual([0, 80, 160, 240]);
    expect(lines.length).toBeLessThanOrEqual(Math.ceil(16_000 / PIPED_COUNTS_INTERVAL_MS) + 1);
    // No change: nothing more, however long.
    now += 60_000;
    display.update(oneBatchScan(256));
    now += 1;
    display.update(oneBatchScan(256));
    expect(lines.at(-1)).toContain('256/256 targets');
    const printed = lines.length;
    now += 60_000;
    display.update(oneBatchScan(256));
    expect(lines.length).toBe(printed);
    // The end is a new state: printed at once.
    now += 1;
    display.update(oneBatchScan(undefined, 256, 20));
    expect(lines.at(-1)).toMatch(/^progress: completed 256\/256 targets/);
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

  it('lists the first 10 services of a CVE and counts the rest', () => {
    const affected = (count: number) =>
      Array.from({ length: count }, (_, host) => ({ host: `127.80.0.${host + 1}`, port: 22 }));
    const report = {
      campaignId: 'c-2',
      name: 'wide',
      request: { engine: 'builtin' },
      engine: 'builtin',
      state: 'completed',
      totals: progress({}, '').totals,
      hosts: [],
      threats: [
        {
          cve: 'CVE-2023-38408',
          severity: 'critical',
          cvssScore: 9.8,
          product: 'openssh',
          affected: affected(4096),
        },
        {
          cve: 'CVE-2018-15473',
          severity: 'medium',
          cvssScore: 5.3,
          product: 'openssh',
          affected: affected(2),
        },
      ],
      skipped: [],
      failedBatches: [],
      audit: [],
      complete: true,
    } as unknown as CampaignReport;
    const [wide, narrow] = formatCampaignSummary(report).split('\n').slice(-2);
    expect(wide).toMatch(
      / 127\.80\.0\.1:22 .* 127\.80\.0\.10:22 and 4086 more \(spectra threat CVE-2023-38408\)$/,
    );
    expect(wide).not.toContain('127.80.0.11:22');
    expect(narrow).toMatch(/ 127\.80\.0\.1:22 127\.80\.0\.2:22$/);
  });
});
