import * as restate from '@restatedev/restate-sdk';

/**
 * The values of every state entry whose key starts with `prefix` (or one of them). Objects that
 * keep one entry per item (a campaign, a CVE, a schedule) list them with this,
 * so an update rewrites one small entry instead of one ever-growing list.
 */
export async function readStateEntries<T>(
  context: Pick<restate.ObjectSharedContext, 'stateKeys' | 'get'>,
  prefix: string | readonly string[],
): Promise<T[]> {
  const prefixes = typeof prefix === 'string' ? [prefix] : prefix;
  const values: T[] = [];
  for (const key of await context.stateKeys()) {
    if (!prefixes.some((each) => key.startsWith(each))) continue;
    const value = await context.get<T>(key);
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/**
 * Several state entries read at once, in key order. One combinator, not a
 * plain Promise.all: two SDK awaits pending at once fail the attempt
 * ("awaitNext already pending") when the server did not send the state with
 * the call. `get` is typed as a plain Promise but is a RestatePromise.
 */
export function readStateValues<T>(
  context: Pick<restate.ObjectSharedContext, 'get'>,
  keys: readonly string[],
): Promise<(T | null)[]> {
  return restate.RestatePromise.all(
    keys.map((key) => context.get<T>(key) as restate.RestatePromise<T | null>),
  );
}

/**
 * The largest state entry an object writes where the entry grows with what
 * campaigns find (a network of the host inventory, of a threat record): a
 * quarter of Restate's message limit (~32 MiB; an entry above it fails with
 * RT0003 and the invocation is retried without end), so the entry, the
 * journal entry that writes it and the other state sent with a call all pass.
 */
export const MAX_STATE_ENTRY_BYTES = 8 * 2 ** 20;

const utf8 = new TextEncoder();

/**
 * Writes `value` to state entry `key` when, serialized as the SDK's JSON serde
 * does, it is at most `maxBytes`; returns whether it did. Serialized once and
 * stored as those bytes (readers' JSON `get` sees the same value): measuring
 * with one JSON.stringify and letting `set` make another cost the host ~60 ms
 * of CPU per 4,096 x 100 campaign in the threat records alone (a CPU profile).
 */
export function setIfItFits(
  context: Pick<restate.ObjectContext, 'set'>,
  key: string,
  value: unknown,
  maxBytes = MAX_STATE_ENTRY_BYTES,
): boolean {
  const bytes = utf8.encode(JSON.stringify(value));
  if (bytes.length > maxBytes) return false;
  context.set(key, bytes, restate.serde.binary);
  return true;
}
