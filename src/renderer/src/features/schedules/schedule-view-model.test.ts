import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../lib/format';
import { cadenceLabel, lastRunSummary } from './schedule-view-model';

describe('schedule view model', () => {
  it('labels cadences the way the CLI does, one-offs in local time', () => {
    expect(cadenceLabel({ kind: 'every', intervalMs: 1_800_000 })).toBe('every 30m');
    expect(cadenceLabel({ kind: 'every', intervalMs: 86_400_000 })).toBe('daily');
    expect(cadenceLabel({ kind: 'once', at: '2026-05-01T09:00:00.000Z' })).toBe(
      `once at ${formatDateTime('2026-05-01T09:00:00.000Z')}`,
    );
  });

  it('picks the newest run', () => {
    expect(lastRunSummary({ lastRuns: [] })).toBeUndefined();
    expect(
      lastRunSummary({
        lastRuns: [
          { dueAt: 'a', firedAt: 'a', campaignId: 'c-1' },
          { dueAt: 'b', firedAt: 'b', error: 'refused' },
        ],
      })?.error,
    ).toBe('refused');
  });
});
