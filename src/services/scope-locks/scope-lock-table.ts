import type { ScopeLockEntry, ScopeLockStatus } from '../../shared/campaign.js';
import { parseScope } from '../../shared/scope.js';
import {
  type AddressInterval,
  intersectInterval,
  mergeIntervals,
} from '../../shared/address-intervals.js';

/**
 * The decisions behind the ScopeLocks object, as pure functions over its
 * state. Two campaigns conflict when any of their scope networks share an
 * address (interval overlap, so `10.0.0.0/16` and `10.0.0.128/25` conflict).
 *
 * The fairness rule:
 * 1. A campaign whose networks are free (no holder overlaps them) is granted
 *    at once, whatever waits in the queue: a campaign on a free /24 never
 *    waits behind queued /16s it does not need.
 * 2. Each time a later campaign is granted over a queued campaign it
 *    overlaps, that waiter counts one overtake. After {@link MAX_OVERTAKES}
 *    it is *reserved*: from then on its networks count as held for every
 *    campaign after it, so the holders in its way drain and it is granted.
 *    A stream of small campaigns therefore delays a large one by at most
 *    MAX_OVERTAKES grants, never starves it.
 * 3. On release, waiters are granted in queue order by the same rule.
 */

/** Overtakes a waiter tolerates before it is reserved (rule 2). */
export const MAX_OVERTAKES = 3;

export interface LockWaiter extends ScopeLockEntry {
  /** Resolved by the ScopeLocks object when the lock is granted. */
  awakeableId: string;
  /** Later overlapping campaigns granted before it; absent in tables of earlier versions (0). */
  overtaken?: number;
}

export interface LockTable {
  holders: ScopeLockEntry[];
  queue: LockWaiter[];
}

export const EMPTY_LOCK_TABLE: LockTable = { holders: [], queue: [] };

/** The included networks of a scope, canonical (exclusions only narrow what is scanned, not what is locked). */
export function lockNetworks(scope: Parameters<typeof parseScope>[0]): string[] {
  const parsed = parseScope(scope);
  if (!parsed.ok) throw new Error(parsed.issues.map((issue) => issue.message).join('; '));
  return [
    ...new Set(
      parsed.value.networks
        .filter((network) => !network.excluded)
        .map((network) => network.network),
    ),
  ];
}

function intervalsOf(networks: readonly string[]): AddressInterval[] {
  const parsed = parseScope(networks.join('\n'));
  // Networks come from lockNetworks, so they always parse; an empty set conflicts with nothing.
  return parsed.ok ? mergeIntervals(parsed.value.networks.map((network) => network.interval)) : [];
}

export function networksOverlap(left: readonly string[], right: readonly string[]): boolean {
  const merged = intervalsOf(left);
  return intervalsOf(right).some((interval) => intersectInterval(merged, interval).length > 0);
}

function isReserved(waiter: LockWaiter): boolean {
  return (waiter.overtaken ?? 0) >= MAX_OVERTAKES;
}

/**
 * Campaigns that stand in the way of `entry`: overlapping holders, then
 * overlapping reserved waiters ahead of it (all reserved waiters for a
 * campaign not queued yet).
 */
function blockers(table: LockTable, entry: ScopeLockEntry): string[] {
  const queued = table.queue.findIndex((waiter) => waiter.campaignId === entry.campaignId);
  const ahead = queued >= 0 ? table.queue.slice(0, queued) : table.queue;
  return [...table.holders, ...ahead.filter(isReserved)]
    .filter(
      (other) =>
        other.campaignId !== entry.campaignId && networksOverlap(other.networks, entry.networks),
    )
    .map((other) => other.campaignId);
}

/** Grants `waiter`: it becomes a holder, and every overlapping waiter queued before it counts an overtake. */
function grant(table: LockTable, waiter: LockWaiter): LockTable {
  const { awakeableId: _unused, overtaken: _count, ...holder } = waiter;
  const queued = table.queue.findIndex((entry) => entry.campaignId === waiter.campaignId);
  const ahead = queued >= 0 ? queued : table.queue.length;
  return {
    holders: [...table.holders, holder],
    queue: table.queue
      .filter((entry) => entry.campaignId !== waiter.campaignId)
      .map((entry, index) =>
        index < ahead && networksOverlap(entry.networks, waiter.networks)
          ? { ...entry, overtaken: (entry.overtaken ?? 0) + 1 }
          : entry,
      ),
  };
}

export type AcquireResult =
  | { granted: true; table: LockTable }
  | { granted: false; table: LockTable; position: number; blockedBy: string[] };

/** Grants the lock at once when its networks are free, or queues the campaign. Asking again changes nothing. */
export function acquireLock(table: LockTable, waiter: LockWaiter): AcquireResult {
  if (table.holders.some((holder) => holder.campaignId === waiter.campaignId))
    return { granted: true, table };
  const queued = table.queue.findIndex((entry) => entry.campaignId === waiter.campaignId);
  if (queued >= 0) {
    return {
      granted: false,
      table,
      position: queued + 1,
      blockedBy: blockers(table, table.queue[queued]!),
    };
  }
  const blockedBy = blockers(table, waiter);
  if (blockedBy.length === 0) return { granted: true, table: grant(table, waiter) };
  const next = { ...table, queue: [...table.queue, { ...waiter, overtaken: 0 }] };
  return { granted: false, table: next, position: next.queue.length, blockedBy };
}

/**
 * Drops the campaign as holder and as waiter (a cancelled waiter leaves the
 * queue), then grants every waiter now free, in queue order. Releasing what
 * is not held changes nothing.
 */
export function releaseLock(
  table: LockTable,
  campaignId: string,
): { table: LockTable; granted: LockWaiter[] } {
  let current: LockTable = {
    holders: table.holders.filter((holder) => holder.campaignId !== campaignId),
    queue: table.queue.filter((waiter) => waiter.campaignId !== campaignId),
  };
  const granted: LockWaiter[] = [];
  for (const waiter of [...current.queue]) {
    if (blockers(current, waiter).length > 0) continue;
    current = grant(current, waiter);
    granted.push(waiter);
  }
  return { table: current, granted };
}

/** Position (1 is next) and blockers of a queued campaign; undefined when it is not queued. */
export function queueStanding(
  table: LockTable,
  campaignId: string,
): { position: number; blockedBy: string[]; queuedAt: string } | undefined {
  const index = table.queue.findIndex((waiter) => waiter.campaignId === campaignId);
  if (index < 0) return undefined;
  const waiter = table.queue[index]!;
  return { position: index + 1, blockedBy: blockers(table, waiter), queuedAt: waiter.since };
}

export function lockStatus(table: LockTable): ScopeLockStatus {
  return {
    holders: table.holders,
    queue: table.queue.map(({ awakeableId: _unused, overtaken: _count, ...entry }, index) => ({
      ...entry,
      position: index + 1,
    })),
  };
}
