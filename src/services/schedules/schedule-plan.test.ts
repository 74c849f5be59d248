import { describe, expect, it } from 'vitest';
import { DAY_MS, describeCadence, type ScheduleEntry } from '../../shared/schedule.js';
import type { ParsedCampaignRequest } from '../../shared/campaign.js';
import {
  decideTick,
  firstOccurrence,
  newScheduleEntry,
  nextOccurrence,
  occurrenceKey,
  recordRun,
  ScheduleRefused,
} from './schedule-plan.js';

const NOW = Date.parse('2026-11-01T10:00:00.000Z');
const REQUEST = { name: 'nightly', targets: '127.70.0.1', ports: '80', scope: '127.70.0.0/24' };

function entry(overrides: Partial<ScheduleEntry> = {}): ScheduleEntry {
  return {
    ...newScheduleEntry(
      's-1',
      REQUEST as unknown as ParsedCampaignRequest,
      { kind: 'every', intervalMs: 60_000 },
      NOW,
    ),
    ...overrides,
  };
}

describe('occurrences', () => {
  it('fires a one-off at its time, at once if just past, and refuses one long past', () => {
    expect(firstOccurrence({ kind: 'once', at: '2026-11-01T12:00:00Z' }, NOW)).toBe(
      Date.parse('2026-11-01T12:00:00Z'),
    );
    expect(firstOccurrence({ kind: 'once', at: '2026-11-01T09:59:30Z' }, NOW)).toBe(NOW);
    expect(() => firstOccurrence({ kind: 'once', at: '2026-10-31T10:00:00Z' }, NOW)).toThrow(
      ScheduleRefused,
    );
    expect(nextOccurrence({ kind: 'once', at: '2026-11-01T12:00:00Z' }, NOW, NOW)).toBeUndefined();
  });

  it('repeats one interval after creation, or from firstAt aligned past now', () => {
    expect(firstOccurrence({ kind: 'every', intervalMs: DAY_MS }, NOW)).toBe(NOW + DAY_MS);
    const firstAt = '2026-10-30T02:00:00.000Z';
    expect(
      new Date(firstOccurrence({ kind: 'every', intervalMs: DAY_MS, firstAt }, NOW)).toISOString(),
    ).toBe('2026-11-02T02:00:00.000Z');
  });

  it('skips occurrences missed while the host was down instead of firing each', () => {
    const cadence = { kind: 'every', intervalMs: DAY_MS } as const;
    expect(nextOccurrence(cadence, NOW, NOW + 1000)).toBe(NOW + DAY_MS);
    expect(nextOccurrence(cadence, NOW, NOW + 3 * DAY_MS + 5)).toBe(NOW + 4 * DAY_MS);
  });

  it('describes cadences the way the CLI takes them', () => {
    expect(describeCadence({ kind: 'every', intervalMs: DAY_MS })).toBe('daily');
    expect(describeCadence({ kind: 'every', intervalMs: 7 * DAY_MS })).toBe('weekly');
    expect(describeCadence({ kind: 'every', intervalMs: 30 * 60_000 })).toBe('every 30m');
    expect(describeCadence({ kind: 'once', at: '2026-11-01T12:00:00Z' })).toBe(
      'once at 2026-11-01T12:00:00Z',
    );
  });
});

describe('decideTick', () => {
  const current = entry();
  const tick = { scheduleId: 's-1', generation: 1, dueAt: current.nextRunAt! };

  it('fires the occurrence the schedule waits for, with a key per occurrence', () => {
    expect(decideTick(current, tick)).toEqual({
      fire: true,
      idempotencyKey: occurrenceKey('s-1', tick.dueAt),
    });
    expect(occurrenceKey('s-1', tick.dueAt)).toBe('schedule/s-1/2026-11-01T10:01:00.000Z');
  });

  it('does nothing for a removed schedule, another generation or a handled occurrence', () => {
    expect(decideTick(undefined, tick)).toMatchObject({ fire: false });
    expect(decideTick({ ...current, generation: 2 }, tick)).toMatchObject({ fire: false });
    const after = recordRun(
      current,
      { dueAt: tick.dueAt, firedAt: tick.dueAt, campaignId: 'c-1' },
      NOW + 120_000,
    );
    expect(decideTick(after, tick)).toMatchObject({ fire: false });
  });
});

describe('recordRun', () => {
  it('keeps a bounded run history and finishes a one-off', () => {
    let current = entry();
    for (let run = 0; run < 25; run += 1) {
      current = recordRun(current, { dueAt: `d${run}`, firedAt: `f${run}` }, NOW + run);
    }
    expect(current.runCount).toBe(25);
    expect(current.lastRuns).toHaveLength(20);
    expect(current.lastRuns[0]!.dueAt).toBe('d5');
    const finished = recordRun(current, { dueAt: 'x', firedAt: 'y' }, undefined);
    expect(finished.state).toBe('finished');
    expect(finished.nextRunAt).toBeUndefined();
  });
});
