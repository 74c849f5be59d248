import * as restate from '@restatedev/restate-sdk';

/**
 * The values of every state entry whose key starts with `prefix`. Objects that
 * keep one entry per item (a campaign, a CVE, a schedule) list them with this,
 * so an update rewrites one small entry instead of one ever-growing list.
 */
export async function readStateEntries<T>(
  context: Pick<restate.ObjectSharedContext, 'stateKeys' | 'get'>,
  prefix: string,
): Promise<T[]> {
  const values: T[] = [];
  for (const key of await context.stateKeys()) {
    if (!key.startsWith(prefix)) continue;
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
