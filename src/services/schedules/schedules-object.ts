import * as restate from '@restatedev/restate-sdk';
import { readStateEntries } from '../state-entries.js';
import type { z } from 'zod';
import {
  ScheduleCreateRequest,
  ScheduleEditRequest,
  ScheduleIdInput,
  ScheduleTick,
  type ScheduleEntry,
  type ScheduleRun,
  type ScheduleRunNowAnswer,
} from '../../shared/schedule.js';
import { campaignsService } from '../campaigns/campaign-submission-service.js';
import {
  CampaignRequestInvalid,
  validateCampaignRequest,
} from '../campaigns/campaign-validation.js';
import {
  decideTick,
  editEntry,
  manualRunKey,
  newScheduleEntry,
  nextOccurrence,
  pauseEntry,
  recordManualRun,
  recordRun,
  resumeEntry,
  ScheduleRefused,
} from './schedule-plan.js';

/** The registry has one key; each schedule is its own state entry under it. */
const ENTRY_PREFIX = 'schedule:';

/**
 * Campaign schedules. Every firing is a delayed message to this object
 * (Restate's timers are durable, so a schedule survives restarts); nothing
 * here ever sleeps, so list/create/remove are never held up by a waiting
 * schedule. Removing a schedule deletes its entry: a tick still in flight
 * finds it gone and does nothing.
 */
export const schedulesObject = restate.object({
  name: 'Schedules',
  handlers: {
    /** Validates the campaign request (a bad one schedules nothing), stores the schedule, arms its first tick. */
    create: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ScheduleCreateRequest) },
      async (
        context: restate.ObjectContext,
        input: z.output<typeof ScheduleCreateRequest>,
      ): Promise<ScheduleEntry> => {
        const now = await context.date.now();
        const entry = refusedAsTerminal(() => {
          const { request } = validateCampaignRequest(input.request);
          const scheduleId = 's-' + context.rand.uuidv4().replaceAll('-', '').slice(0, 12);
          return newScheduleEntry(scheduleId, request, input.cadence, now);
        });
        context.set(ENTRY_PREFIX + entry.scheduleId, entry);
        armTick(context, entry, now);
        return entry;
      },
    ),

    /** Deletes a schedule; its pending tick, when it fires, finds nothing and starts nothing. */
    remove: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ScheduleIdInput) },
      async (
        context: restate.ObjectContext,
        { scheduleId }: ScheduleIdInput,
      ): Promise<{ removed: boolean; entry?: ScheduleEntry }> => {
        const key = ENTRY_PREFIX + scheduleId;
        const entry = await context.get<ScheduleEntry>(key);
        if (!entry) return { removed: false };
        context.clear(key);
        // The entry as it was removed: its runs are all the runs there will ever be.
        return { removed: true, entry };
      },
    ),

    /**
     * Replaces the campaign request and/or the cadence. The request passes the
     * same validation as create (a bad edit changes nothing); a new cadence
     * arms a timer of a new generation, so the old one fires into nothing.
     */
    edit: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ScheduleEditRequest) },
      async (
        context: restate.ObjectContext,
        input: z.output<typeof ScheduleEditRequest>,
      ): Promise<ScheduleEntry> =>
        changeEntry(context, input.scheduleId, (entry, now) =>
          editEntry(
            entry,
            {
              request: input.request ? validateCampaignRequest(input.request).request : undefined,
              cadence: input.cadence,
            },
            now,
          ),
        ),
    ),

    /** Stops firing: the pending timer's generation is disowned; the next due time is kept for show. */
    pause: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ScheduleIdInput) },
      async (context: restate.ObjectContext, { scheduleId }: ScheduleIdInput) =>
        changeEntry(context, scheduleId, pauseEntry),
    ),

    /** Fires again from the next due time after now: runs missed while paused are skipped. */
    resume: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ScheduleIdInput) },
      async (context: restate.ObjectContext, { scheduleId }: ScheduleIdInput) =>
        changeEntry(context, scheduleId, resumeEntry),
    ),

    /**
     * Starts one campaign from the schedule now (paused or not), with a key of
     * its own per invocation; the timer and the next due time stay as they are.
     */
    runNow: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ScheduleIdInput) },
      async (
        context: restate.ObjectContext,
        { scheduleId }: ScheduleIdInput,
      ): Promise<ScheduleRunNowAnswer> => {
        const { entry, key } = await existingEntry(context, scheduleId);
        const askedAt = await context.date.toJSON();
        const run = await submitRun(
          context,
          entry,
          manualRunKey(scheduleId, context.rand.uuidv4()),
          askedAt,
        );
        const next = recordManualRun(entry, run);
        context.set(key, next);
        return { entry: next, run: next.lastRuns.at(-1) ?? run };
      },
    ),

    /** Every schedule, next to fire first (finished ones last). */
    list: restate.handlers.object.shared(
      async (context: restate.ObjectSharedContext): Promise<ScheduleEntry[]> => {
        const entries = await readStateEntries<ScheduleEntry>(context, ENTRY_PREFIX);
        return entries.sort(
          (left, right) =>
            (left.nextRunAt ?? '~').localeCompare(right.nextRunAt ?? '~') ||
            left.createdAt.localeCompare(right.createdAt),
        );
      },
    ),

    get: restate.handlers.object.shared(
      { input: restate.serde.schema(ScheduleIdInput) },
      async (
        context: restate.ObjectSharedContext,
        { scheduleId }: ScheduleIdInput,
      ): Promise<ScheduleEntry | null> =>
        (await context.get<ScheduleEntry>(ENTRY_PREFIX + scheduleId)) ?? null,
    ),

    /**
     * One occurrence: submits the campaign through Campaigns.submit (which
     * validates again) with a key per occurrence, records the run and arms
     * the next tick. A tick for a removed schedule or an older generation
     * does nothing.
     */
    tick: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ScheduleTick), ingressPrivate: true },
      async (context: restate.ObjectContext, tick: ScheduleTick): Promise<void> => {
        const key = ENTRY_PREFIX + tick.scheduleId;
        const entry = await context.get<ScheduleEntry>(key);
        const decision = decideTick(entry ?? undefined, tick);
        if (!decision.fire || !entry) {
          context.console.info(decision.fire ? 'tick without entry' : decision.reason);
          return;
        }
        const run = await submitRun(context, entry, decision.idempotencyKey, tick.dueAt);
        const now = await context.date.now();
        const next = recordRun(
          entry,
          run,
          nextOccurrence(entry.cadence, Date.parse(tick.dueAt), now),
        );
        context.set(key, next);
        armTick(context, next, now);
      },
    ),
  },
});
export type SchedulesObject = typeof schedulesObject;

/** The stored entry, or a 404 naming the id. */
async function existingEntry(
  context: restate.ObjectContext,
  scheduleId: string,
): Promise<{ entry: ScheduleEntry; key: string }> {
  const key = ENTRY_PREFIX + scheduleId;
  const entry = await context.get<ScheduleEntry>(key);
  if (!entry) throw new restate.TerminalError(`no schedule ${scheduleId}`, { errorCode: 404 });
  return { entry, key };
}

/**
 * Applies one of schedule-plan.ts's changes to a stored entry: a refused
 * change is a 400 and stores nothing, an unchanged entry is not written, and
 * a new generation of an active entry gets its timer (the old one fires into
 * nothing).
 */
async function changeEntry(
  context: restate.ObjectContext,
  scheduleId: string,
  change: (entry: ScheduleEntry, now: number) => ScheduleEntry,
): Promise<ScheduleEntry> {
  const { entry, key } = await existingEntry(context, scheduleId);
  const now = await context.date.now();
  const next = refusedAsTerminal(() => change(entry, now));
  if (next === entry) return entry;
  context.set(key, next);
  if (next.generation !== entry.generation) armTick(context, next, now);
  return next;
}

/** A refused request or change is the caller's to fix: a 400, never retried. */
function refusedAsTerminal<T>(change: () => T): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof CampaignRequestInvalid || error instanceof ScheduleRefused)
      throw new restate.TerminalError(error.message, { errorCode: 400 });
    throw error;
  }
}

/**
 * Submits the schedule's campaign through Campaigns.submit (which validates
 * again) under the given key; a request that no longer validates (say, an
 * edited scope file) is recorded as the run's error, not retried forever.
 */
async function submitRun(
  context: restate.ObjectContext,
  entry: ScheduleEntry,
  idempotencyKey: string,
  dueAt: string,
): Promise<ScheduleRun> {
  const firedAt = await context.date.toJSON();
  try {
    const submitted = await context
      .serviceClient(campaignsService)
      .submit(entry.request, restate.rpc.opts({ idempotencyKey }));
    return { dueAt, firedAt, campaignId: submitted.campaignId };
  } catch (error) {
    if (!(error instanceof restate.TerminalError) || error instanceof restate.CancelledError)
      throw error;
    return { dueAt, firedAt, error: error.message };
  }
}

/** Sends the delayed message for the entry's next occurrence, if it has one. */
function armTick(context: restate.ObjectContext, entry: ScheduleEntry, now: number): void {
  if (entry.state !== 'active' || !entry.nextRunAt) return;
  context.objectSendClient(schedulesObject, context.key).tick(
    { scheduleId: entry.scheduleId, generation: entry.generation, dueAt: entry.nextRunAt },
    restate.rpc.sendOpts({
      delay: Math.max(0, Date.parse(entry.nextRunAt) - now),
      name: `schedule ${entry.scheduleId} at ${entry.nextRunAt}`,
    }),
  );
}
