import type * as restate from '@restatedev/restate-sdk';

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
