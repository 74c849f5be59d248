import { INDEX_KEY } from '../../shared/service-contracts.js';
import * as restate from '@restatedev/restate-sdk';
import { readStateEntries } from '../state-entries.js';
import type { z } from 'zod';
import {
  ScheduleCreateRequest,
  ScheduleIdInput,
  ScheduleTick,
  type ScheduleEntry,
  type ScheduleRun,
} from '../../shared/schedule.js';
import { campaignsService } from '../campaigns/campaign-submission-service.js';
import {
  CampaignRequestInvalid,
  validateCampaignRequest,
} from '../campaigns/campaign-validation.js';
import {
  decideTick,
  newScheduleEntry,
  nextOccurrence,
  recordRun,
  ScheduleRefused,
} from './schedule-plan.js';

/** The registry has one key; each schedule is its own state entry under it. */
/** The singleton key, defined once in src/shared/service-contracts.ts. */
export const SCHEDULES_KEY = INDEX_KEY;
const ENTRY_PREFIX = 'schedule:';

/** Only the tick handler, typed for the object's messages to itself. */
interface ScheduleTicker {
  tick(context: restate.ObjectContext, tick: ScheduleTick): Promise<void>;
}

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
        let entry: ScheduleEntry;
        try {
          const { request } = validateCampaignRequest(input.request);
          const scheduleId = 's-' + context.rand.uuidv4().replaceAll('-', '').slice(0, 12);
          entry = newScheduleEntry(scheduleId, request, input.cadence, now);
        } catch (error) {
          if (error instanceof CampaignRequestInvalid || error instanceof ScheduleRefused)
            throw new restate.TerminalError(error.message, { errorCode: 400 });
          throw error;
        }
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
        const firedAt = await context.date.toJSON();
        let run: ScheduleRun;
        try {
          const submitted = await context
            .serviceClient(campaignsService)
            .submit(entry.request, restate.rpc.opts({ idempotencyKey: decision.idempotencyKey }));
          run = { dueAt: tick.dueAt, firedAt, campaignId: submitted.campaignId };
        } catch (error) {
          // A request that no longer validates (say, an edited scope file) is recorded, not retried forever.
          if (!(error instanceof restate.TerminalError) || error instanceof restate.CancelledError)
            throw error;
          run = { dueAt: tick.dueAt, firedAt, error: error.message };
        }
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

/** Sends the delayed message for the entry's next occurrence, if it has one. */
function armTick(context: restate.ObjectContext, entry: ScheduleEntry, now: number): void {
  if (entry.state !== 'active' || !entry.nextRunAt) return;
  context.objectSendClient<ScheduleTicker>({ name: 'Schedules' }, context.key).tick(
    { scheduleId: entry.scheduleId, generation: entry.generation, dueAt: entry.nextRunAt },
    restate.rpc.sendOpts({
      delay: Math.max(0, Date.parse(entry.nextRunAt) - now),
      name: `schedule ${entry.scheduleId} at ${entry.nextRunAt}`,
    }),
  );
}
