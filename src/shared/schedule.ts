import { z } from 'zod';
import { CampaignRequest } from './campaign.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;
export const WEEK_MS = 7 * DAY_MS;

/** Shortest repeat: a second, so tests can watch a schedule fire twice; the CLI offers minutes and up. */
export const MIN_SCHEDULE_INTERVAL_MS = 1_000;
export const MAX_SCHEDULE_INTERVAL_MS = 366 * DAY_MS;
/** Runs a schedule remembers, newest last. */
export const MAX_SCHEDULE_RUNS = 20;

const IsoTime = z.iso.datetime({ offset: true });

/**
 * When a schedule fires: once at a given time, or every `intervalMs`
 * (daily and weekly are 24 h and 7 d in UTC, so they do not follow DST shifts)
 * starting at `firstAt` (default: one interval after creation).
 */
export const ScheduleCadence = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('once'), at: IsoTime }),
  z.object({
    kind: z.literal('every'),
    intervalMs: z
      .number()
      .int()
      .min(MIN_SCHEDULE_INTERVAL_MS, `intervalMs: at least ${MIN_SCHEDULE_INTERVAL_MS} ms`)
      .max(MAX_SCHEDULE_INTERVAL_MS, 'intervalMs: at most 366 days'),
    firstAt: IsoTime.optional(),
  }),
]);
export type ScheduleCadence = z.infer<typeof ScheduleCadence>;

/** What `Schedules.create` takes. */
export const ScheduleCreateRequest = z.object({
  request: CampaignRequest,
  cadence: ScheduleCadence,
});
export type ScheduleCreateRequest = z.input<typeof ScheduleCreateRequest>;

/** One firing: the campaign it started, or why none was started. */
export const ScheduleRun = z.object({
  /** The occurrence (nextRunAt at the time); also the campaign's idempotency key part. */
  dueAt: z.string(),
  firedAt: z.string(),
  campaignId: z.string().optional(),
  error: z.string().optional(),
  /** Started by "run now" rather than by the timer (dueAt is then the time it was asked for). */
  manual: z.boolean().optional(),
});
export type ScheduleRun = z.infer<typeof ScheduleRun>;

/** A paused schedule keeps its next due time but fires nothing until resumed. */
export const ScheduleState = z.enum(['active', 'paused', 'finished']);
export type ScheduleState = z.infer<typeof ScheduleState>;

/** A schedule as the Schedules object stores and lists it (one state entry each). */
export const ScheduleEntry = z.object({
  scheduleId: z.string(),
  name: z.string(),
  request: z.custom<z.output<typeof CampaignRequest>>(),
  cadence: ScheduleCadence,
  state: ScheduleState,
  /** Bumped whenever the pending timer is replaced: a tick of an older generation does nothing. */
  generation: z.number().int(),
  createdAt: z.string(),
  /** Absent once a one-off schedule has fired. */
  nextRunAt: z.string().optional(),
  runCount: z.number().int(),
  lastRuns: z.array(ScheduleRun),
  /** When it was paused; absent unless state is `paused`. */
  pausedAt: z.string().optional(),
});
export type ScheduleEntry = z.infer<typeof ScheduleEntry>;

/**
 * What `Schedules.edit` takes: a new campaign request and/or a new cadence,
 * checked by the same schemas as `create` (and the request by the same
 * validation as Campaigns.submit).
 */
export const ScheduleEditRequest = z
  .object({
    scheduleId: z.string().min(1).max(64),
    request: CampaignRequest.optional(),
    cadence: ScheduleCadence.optional(),
  })
  .refine((edit) => edit.request !== undefined || edit.cadence !== undefined, {
    message: 'edit: give a new request, a new cadence or both',
  });
export type ScheduleEditRequest = z.input<typeof ScheduleEditRequest>;

/** What `Schedules.runNow` answers: the run it recorded (a campaign id, or why none started). */
export const ScheduleRunNowAnswer = z.object({ entry: ScheduleEntry, run: ScheduleRun });
export type ScheduleRunNowAnswer = z.infer<typeof ScheduleRunNowAnswer>;

/** The delayed message that makes a schedule fire. */
export const ScheduleTick = z.object({
  scheduleId: z.string().min(1),
  generation: z.number().int(),
  dueAt: z.string(),
});
export type ScheduleTick = z.infer<typeof ScheduleTick>;

export const ScheduleIdInput = z.object({ scheduleId: z.string().min(1).max(64) });
export type ScheduleIdInput = z.infer<typeof ScheduleIdInput>;

/** `daily`, `weekly`, `every 30m`, `once at ...`: for lists and the CLI. */
export function describeCadence(cadence: ScheduleCadence): string {
  if (cadence.kind === 'once') return `once at ${cadence.at}`;
  if (cadence.intervalMs === DAY_MS) return 'daily';
  if (cadence.intervalMs === WEEK_MS) return 'weekly';
  return `every ${formatInterval(cadence.intervalMs)}`;
}

export function formatInterval(milliseconds: number): string {
  for (const [unit, size] of [
    ['d', DAY_MS],
    ['h', 60 * MINUTE_MS],
    ['m', MINUTE_MS],
    ['s', 1_000],
  ] as const) {
    if (milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}
