import { describe, expect, it } from 'vitest';
import { ScheduleEditRequest, type ScheduleEntry } from '../../shared/schedule.js';
import type { ParsedCampaignRequest } from '../../shared/campaign.js';
import {
  decideTick,
  editEntry,
  manualRunKey,
  newScheduleEntry,
  occurrenceKey,
  pauseEntry,
  recordManualRun,
  resumeEntry,
  resumeOccurrence,
  ScheduleRefused,
} from './schedule-plan.js';

/** Edit, pause, resume and run now: the pure decisions the Schedules handlers take. */
const NOW = Date.parse('2026-11-01T10:00:00.000Z');
const MINUTE = 60_000;
const REQUEST = { name: 'nightly', targets: '127.70.0.1', ports: '80', scope: '127.70.0.0/24' };

function entry(overrides: Partial<ScheduleEntry> = {}): ScheduleEntry {
  return {
    ...newScheduleEntry(
      's-1',
      REQUEST as unknown as ParsedCampaignRequest,
      { kind: 'every', intervalMs: 10 * MINUTE },
      NOW,
    ),
    ...overrides,
  };
}

function tickOf(scheduled: ScheduleEntry) {
  return {
    scheduleId: scheduled.scheduleId,
    generation: scheduled.generation,
    dueAt: scheduled.nextRunAt!,
  };
}

describe('pause and resume', () => {
  it('a paused schedule ignores its pending tick; pausing twice changes nothing', () => {
    const active = entry();
    const paused = pauseEntry(active, NOW + MINUTE);
    expect(paused).toMatchObject({
      state: 'paused',
      generation: 2,
      pausedAt: '2026-11-01T10:01:00.000Z',
      nextRunAt: active.nextRunAt,
    });
    expect(decideTick(paused, tickOf(active)).fire).toBe(false);
    expect(pauseEntry(paused, NOW + 2 * MINUTE)).toBe(paused);
  });

  it('resumes at the paused due time when it is still ahead', () => {
    const paused = pauseEntry(entry(), NOW + MINUTE);
    const resumed = resumeEntry(paused, NOW + 2 * MINUTE);
    expect(resumed).toMatchObject({ state: 'active', generation: 3, nextRunAt: paused.nextRunAt });
    expect(resumed.pausedAt).toBeUndefined();
    // Only the new generation's tick fires: the one armed before the pause stays dead.
    expect(decideTick(resumed, tickOf(resumed)).fire).toBe(true);
    expect(decideTick(resumed, tickOf(entry())).fire).toBe(false);
  });

  it('skips every occurrence missed while paused: one next run, not a burst', () => {
    const paused = pauseEntry(entry(), NOW + MINUTE);
    // First due 10:10; resumed at 11:05 after five missed occurrences.
    const resumed = resumeEntry(paused, Date.parse('2026-11-01T11:05:00.000Z'));
    expect(resumed.nextRunAt).toBe('2026-11-01T11:10:00.000Z');
    expect(resumed.runCount).toBe(0);
    // A one-off whose time passed while paused runs once, at resume.
    expect(resumeOccurrence({ kind: 'once', at: '2026-11-01T10:30:00Z' }, undefined, NOW)).toBe(
      NOW,
    );
    expect(
      resumeOccurrence(
        { kind: 'once', at: '2026-11-01T10:30:00Z' },
        '2026-11-01T10:30:00.000Z',
        NOW,
      ),
    ).toBe(Date.parse('2026-11-01T10:30:00Z'));
  });

  it('resuming an active schedule changes nothing; a finished one is refused', () => {
    const active = entry();
    expect(resumeEntry(active, NOW)).toBe(active);
    const finished = entry({ state: 'finished', nextRunAt: undefined });
    expect(() => resumeEntry(finished, NOW)).toThrow(/s-1 has finished: nothing to resume/);
    expect(() => pauseEntry(finished, NOW)).toThrow(ScheduleRefused);
  });
});

describe('edit', () => {
  it('a new cadence replaces the timer and starts from its first occurrence', () => {
    const active = entry();
    const edited = editEntry(active, { cadence: { kind: 'every', intervalMs: 2 * MINUTE } }, NOW);
    expect(edited).toMatchObject({
      generation: 2,
      cadence: { kind: 'every', intervalMs: 2 * MINUTE },
      nextRunAt: '2026-11-01T10:02:00.000Z',
      state: 'active',
    });
    expect(decideTick(edited, tickOf(active)).fire).toBe(false);
    expect(decideTick(edited, tickOf(edited)).fire).toBe(true);
  });

  it('a new request alone keeps the timer: the next tick runs the new request', () => {
    const active = entry();
    const request = { ...REQUEST, name: 'renamed', ports: '22,80' } as ParsedCampaignRequest;
    const edited = editEntry(active, { request }, NOW);
    expect(edited).toMatchObject({ name: 'renamed', generation: 1, nextRunAt: active.nextRunAt });
    expect(edited.request.ports).toBe('22,80');
    expect(decideTick(edited, tickOf(active)).fire).toBe(true);
  });

  it('keeps a paused schedule paused, revives a finished one-off, refuses a past one-off', () => {
    const paused = pauseEntry(entry(), NOW);
    const edited = editEntry(paused, { cadence: { kind: 'every', intervalMs: 5 * MINUTE } }, NOW);
    expect(edited).toMatchObject({ state: 'paused', nextRunAt: '2026-11-01T10:05:00.000Z' });
    expect(decideTick(edited, tickOf(edited)).fire).toBe(false);
    const finished = entry({ state: 'finished', nextRunAt: undefined });
    expect(
      editEntry(finished, { cadence: { kind: 'once', at: '2026-11-02T00:00:00Z' } }, NOW),
    ).toMatchObject({ state: 'active', nextRunAt: '2026-11-02T00:00:00.000Z' });
    expect(() =>
      editEntry(finished, { cadence: { kind: 'once', at: '2026-10-01T00:00:00Z' } }, NOW),
    ).toThrow(/in the past/);
  });

  it('an edit needs a change, checked by the create schemas', () => {
    expect(() => ScheduleEditRequest.parse({ scheduleId: 's-1' })).toThrow(
      /give a new request, a new cadence or both/,
    );
    const interval = ScheduleEditRequest.safeParse({
      scheduleId: 's-1',
      cadence: { kind: 'every', intervalMs: 10 },
    });
    expect(interval.success).toBe(false);
    expect(interval.error?.issues[0]?.message).toBe('intervalMs: at least 1000 ms');
    const request = ScheduleEditRequest.safeParse({
      scheduleId: 's-1',
      request: { ...REQUEST, name: '' },
    });
    expect(request.error?.issues[0]?.path).toEqual(['request', 'name']);
  });
});

describe('run now', () => {
  it('records a manual run without touching the due time or the timer', () => {
    const active = entry();
    const ran = recordManualRun(active, {
      dueAt: '2026-11-01T10:03:00.000Z',
      firedAt: '2026-11-01T10:03:00.100Z',
      campaignId: 'c-1',
    });
    expect(ran).toMatchObject({ runCount: 1, nextRunAt: active.nextRunAt, generation: 1 });
    expect(ran.lastRuns).toEqual([
      {
        dueAt: '2026-11-01T10:03:00.000Z',
        firedAt: '2026-11-01T10:03:00.100Z',
        campaignId: 'c-1',
        manual: true,
      },
    ]);
    expect(decideTick(ran, tickOf(active)).fire).toBe(true);
  });

  it('never shares a campaign key with a timed occurrence', () => {
    const key = manualRunKey('s-1', 'token');
    expect(key).toBe('schedule/s-1/run-now/token');
    expect(key).not.toBe(occurrenceKey('s-1', 'token'));
  });
});
