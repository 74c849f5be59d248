import type { ParsedCampaignRequest } from '../../shared/campaign.js';
import {
  MAX_SCHEDULE_RUNS,
  type ScheduleCadence,
  type ScheduleEntry,
  type ScheduleRun,
  type ScheduleTick,
} from '../../shared/schedule.js';

/**
 * Pure decisions of the Schedules object: when a schedule fires next, whether
 * a tick that arrived should fire, and what a firing leaves on the entry.
 */

/** A one-off time further in the past than this is refused rather than fired at once. */
export const PAST_TOLERANCE_MS = 60_000;

export class ScheduleRefused extends Error {}

/** The first occurrence of a new schedule, in epoch milliseconds. */
export function firstOccurrence(cadence: ScheduleCadence, now: number): number {
  if (cadence.kind === 'once') {
    const at = Date.parse(cadence.at);
    if (at < now - PAST_TOLERANCE_MS) throw new ScheduleRefused(`at: ${cadence.at} is in the past`);
    return Math.max(at, now);
  }
  if (cadence.firstAt === undefined) return now + cadence.intervalMs;
  const firstAt = Date.parse(cadence.firstAt);
  return firstAt >= now ? firstAt : nextAfter(firstAt, cadence.intervalMs, now);
}

/**
 * The occurrence after `dueAt`, skipping any that are already past (a host
 * that was off for three days runs a daily schedule once, not three times);
 * undefined for a one-off.
 */
export function nextOccurrence(
  cadence: ScheduleCadence,
  dueAt: number,
  now: number,
): number | undefined {
  if (cadence.kind === 'once') return undefined;
  return nextAfter(dueAt, cadence.intervalMs, now);
}

function nextAfter(anchor: number, intervalMs: number, now: number): number {
  const steps = Math.max(1, Math.floor((now - anchor) / intervalMs) + 1);
  return anchor + steps * intervalMs;
}

export function newScheduleEntry(
  scheduleId: string,
  request: ParsedCampaignRequest,
  cadence: ScheduleCadence,
  now: number,
): ScheduleEntry {
  return {
    scheduleId,
    name: request.name,
    request,
    cadence,
    state: 'active',
    generation: 1,
    createdAt: new Date(now).toISOString(),
    nextRunAt: new Date(firstOccurrence(cadence, now)).toISOString(),
    runCount: 0,
    lastRuns: [],
  };
}

export type TickDecision = { fire: false; reason: string } | { fire: true; idempotencyKey: string };

/**
 * Fires only the occurrence the entry is waiting for: a tick for a removed
 * schedule, an older generation or an occurrence already handled does nothing.
 */
export function decideTick(entry: ScheduleEntry | undefined, tick: ScheduleTick): TickDecision {
  if (!entry) return { fire: false, reason: `schedule ${tick.scheduleId} was removed` };
  if (entry.generation !== tick.generation) {
    return {
      fire: false,
      reason: `tick of generation ${tick.generation} for schedule ${entry.scheduleId}, now at ${entry.generation}`,
    };
  }
  if (entry.state !== 'active' || entry.nextRunAt !== tick.dueAt) {
    return {
      fire: false,
      reason: `schedule ${entry.scheduleId} is not waiting for ${tick.dueAt} (next: ${entry.nextRunAt ?? 'none'})`,
    };
  }
  return { fire: true, idempotencyKey: occurrenceKey(entry.scheduleId, tick.dueAt) };
}

/** The campaign idempotency key of one occurrence: the same tick can never start two campaigns. */
export function occurrenceKey(scheduleId: string, dueAt: string): string {
  return `schedule/${scheduleId}/${dueAt}`;
}

/** The entry after a firing: the run remembered (bounded), then the next occurrence or finished. */
export function recordRun(
  entry: ScheduleEntry,
  run: ScheduleRun,
  nextRunAt: number | undefined,
): ScheduleEntry {
  const next: ScheduleEntry = {
    ...entry,
    runCount: entry.runCount + 1,
    lastRuns: [...entry.lastRuns, run].slice(-MAX_SCHEDULE_RUNS),
  };
  if (nextRunAt === undefined) {
    delete next.nextRunAt;
    next.state = 'finished';
  } else {
    next.nextRunAt = new Date(nextRunAt).toISOString();
  }
  return next;
}

/**
 * The entry after an edit. A new cadence replaces the pending timer (the
 * generation moves on, so the old tick does nothing) and starts over from its
 * first occurrence; a new request alone keeps the timer: the next tick reads
 * the request it finds. A paused schedule stays paused with the new due time.
 */
export function editEntry(
  entry: ScheduleEntry,
  changes: { request?: ParsedCampaignRequest; cadence?: ScheduleCadence },
  now: number,
): ScheduleEntry {
  const next: ScheduleEntry = { ...entry };
  if (changes.request) {
    next.request = changes.request;
    next.name = changes.request.name;
  }
  if (changes.cadence) {
    next.cadence = changes.cadence;
    next.generation = entry.generation + 1;
    next.nextRunAt = new Date(firstOccurrence(changes.cadence, now)).toISOString();
    // A finished one-off given a new time runs again.
    if (entry.state === 'finished') next.state = 'active';
  }
  return next;
}

/** A paused entry: its timer is disowned (new generation); pausing twice changes nothing. */
export function pauseEntry(entry: ScheduleEntry, now: number): ScheduleEntry {
  if (entry.state === 'paused') return entry;
  if (entry.state === 'finished')
    throw new ScheduleRefused(`schedule ${entry.scheduleId} has finished: nothing to pause`);
  return {
    ...entry,
    state: 'paused',
    generation: entry.generation + 1,
    pausedAt: new Date(now).toISOString(),
  };
}

/**
 * An active entry again, due at its next occurrence from now: occurrences
 * missed while paused are skipped, not run in a burst (a one-off whose time
 * passed runs once, now). Resuming an active schedule changes nothing.
 */
export function resumeEntry(entry: ScheduleEntry, now: number): ScheduleEntry {
  if (entry.state === 'active') return entry;
  if (entry.state === 'finished')
    throw new ScheduleRefused(`schedule ${entry.scheduleId} has finished: nothing to resume`);
  const next: ScheduleEntry = {
    ...entry,
    state: 'active',
    generation: entry.generation + 1,
    nextRunAt: new Date(resumeOccurrence(entry.cadence, entry.nextRunAt, now)).toISOString(),
  };
  delete next.pausedAt;
  return next;
}

/** The due time a resumed schedule waits for: the paused one if still ahead, else the next one. */
export function resumeOccurrence(
  cadence: ScheduleCadence,
  pausedDueAt: string | undefined,
  now: number,
): number {
  const dueAt = pausedDueAt === undefined ? undefined : Date.parse(pausedDueAt);
  if (dueAt !== undefined && dueAt >= now) return dueAt;
  if (cadence.kind === 'once') return now;
  return dueAt === undefined ? now + cadence.intervalMs : nextAfter(dueAt, cadence.intervalMs, now);
}

/** The campaign idempotency key of one "run now": one per invocation, never an occurrence's key. */
export function manualRunKey(scheduleId: string, token: string): string {
  return `schedule/${scheduleId}/run-now/${token}`;
}

/** The entry after a "run now": the run remembered; the next due time and the timer untouched. */
export function recordManualRun(entry: ScheduleEntry, run: ScheduleRun): ScheduleEntry {
  return {
    ...entry,
    runCount: entry.runCount + 1,
    lastRuns: [...entry.lastRuns, { ...run, manual: true }].slice(-MAX_SCHEDULE_RUNS),
  };
}
