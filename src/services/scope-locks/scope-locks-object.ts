import * as restate from '@restatedev/restate-sdk';
import { z } from 'zod';
import type { CampaignQueueView, ScopeLockStatus } from '../../shared/campaign.js';
import {
  EMPTY_LOCK_TABLE,
  acquireLock,
  lockStatus,
  queueStanding,
  releaseLock,
  type LockTable,
} from './scope-lock-table.js';

const TABLE = 'table';

export const LockRequest = z.object({
  campaignId: z.string().min(1),
  name: z.string(),
  networks: z.array(z.string()).min(1),
  /** Resolved with a {@link LockGrant} when a queued request is granted. */
  awakeableId: z.string().min(1),
});
export type LockRequest = z.infer<typeof LockRequest>;

export type LockAnswer =
  | { granted: true }
  | { granted: false; position: number; blockedBy: string[] };
export type LockGrant = { grantedAt: string };

/**
 * Who may scan which networks, keyed INDEX_KEY. One object sees every lock, so
 * granting is a single atomic check of interval overlap against all holders
 * and waiters (per-network objects could not see that 10.0.0.0/16 and
 * 10.0.0.0/24 collide without a second registry and a two-phase protocol).
 * Lock traffic is a few calls per campaign, so one key is no bottleneck.
 * Nothing here waits: a queued campaign waits on its own awakeable, which
 * `release` resolves when the lock is granted.
 */
export const scopeLocksObject = restate.object({
  name: 'ScopeLocks',
  handlers: {
    acquire: restate.handlers.object.exclusive(
      { input: restate.serde.schema(LockRequest), ingressPrivate: true },
      async (context: restate.ObjectContext, request: LockRequest): Promise<LockAnswer> => {
        const since = await context.date.toJSON();
        const result = acquireLock(await readTable(context), { ...request, since });
        context.set(TABLE, result.table);
        return result.granted
          ? { granted: true }
          : { granted: false, position: result.position, blockedBy: result.blockedBy };
      },
    ),

    /** Drops the campaign's lock or its place in the queue, and wakes whoever may now go. */
    release: restate.handlers.object.exclusive(
      { input: restate.serde.schema(z.string().min(1)), ingressPrivate: true },
      async (
        context: restate.ObjectContext,
        campaignId: string,
      ): Promise<{ granted: string[] }> => {
        const { table, granted } = releaseLock(await readTable(context), campaignId);
        context.set(TABLE, table);
        const grantedAt = await context.date.toJSON();
        for (const waiter of granted)
          context.resolveAwakeable<LockGrant>(waiter.awakeableId, { grantedAt });
        return { granted: granted.map((waiter) => waiter.campaignId) };
      },
    ),

    status: restate.handlers.object.shared(
      async (context: restate.ObjectSharedContext): Promise<ScopeLockStatus> =>
        lockStatus((await context.get<LockTable>(TABLE)) ?? EMPTY_LOCK_TABLE),
    ),

    /** A queued campaign's place; null when it holds its lock or is not known. */
    standing: restate.handlers.object.shared(
      { input: restate.serde.schema(z.string().min(1)) },
      async (
        context: restate.ObjectSharedContext,
        campaignId: string,
      ): Promise<CampaignQueueView | null> =>
        queueStanding((await context.get<LockTable>(TABLE)) ?? EMPTY_LOCK_TABLE, campaignId) ??
        null,
    ),
  },
});
export type ScopeLocksObject = typeof scopeLocksObject;

async function readTable(context: restate.ObjectContext): Promise<LockTable> {
  return (await context.get<LockTable>(TABLE)) ?? EMPTY_LOCK_TABLE;
}
