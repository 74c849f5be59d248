import {
  MAX_THREAT_UPDATES,
  type ArchivedUpdates,
  type ThreatRecord,
  type ThreatUpdate,
} from '../../shared/threat.js';

/**
 * A threat record's update history as stored apart from its header
 * (threat-record-store.ts): append-only chunks, each one state entry, so a
 * batch writes its new updates instead of rewriting the last
 * MAX_THREAT_UPDATES (~170 KB) with every sighting. The header lists the
 * chunks with their count and time span; a chunk wholly older than the last
 * MAX_THREAT_UPDATES is dropped and folded into the archive. Readers get the
 * last MAX_THREAT_UPDATES and the rest archived, exactly as when the record
 * kept them inline and trimmed on every write.
 */

/** A chunk below this many updates is extended by the next batch instead of starting another. */
export const UPDATE_CHUNK_SIZE = 100;

/** One stored chunk: its id (its state entry is `updates:ID`) and what it holds. */
export type UpdateChunk = ArchivedUpdates & { id: number };

/** The stored history: its chunks, oldest first, and what was dropped before them. */
export interface StoredUpdates {
  chunks: UpdateChunk[];
  archive: ArchivedUpdates;
}

/** What appending to the history writes. */
export interface UpdatesAppend {
  stored: StoredUpdates;
  /** The chunk to write, whole. */
  chunk: { id: number; updates: ThreatUpdate[] };
  /** Ids of the chunks to clear (folded into the archive). */
  dropped: number[];
}

/** The count and time span of some updates. */
export function summarizeUpdates(updates: readonly ThreatUpdate[]): ArchivedUpdates {
  let summary: ArchivedUpdates = { count: 0 };
  for (const update of updates) {
    summary = mergeArchives(summary, {
      count: 1,
      oldestAt: update.observedAt,
      newestAt: update.observedAt,
    });
  }
  return summary;
}

/** Two archives as one: counts added, the widest time span. */
export function mergeArchives(left: ArchivedUpdates, right: ArchivedUpdates): ArchivedUpdates {
  const oldestAt = pick(left.oldestAt, right.oldestAt, (a, b) => (a <= b ? a : b));
  const newestAt = pick(left.newestAt, right.newestAt, (a, b) => (a >= b ? a : b));
  return {
    count: left.count + right.count,
    ...(oldestAt !== undefined && { oldestAt }),
    ...(newestAt !== undefined && { newestAt }),
  };
}

function pick(
  left: string | undefined,
  right: string | undefined,
  choose: (left: string, right: string) => string,
): string | undefined {
  if (left === undefined) return right;
  if (right === undefined) return left;
  return choose(left, right);
}

/** Whether `count` more updates go into the newest chunk, which the caller must then read. */
export function extendsNewestChunk(stored: StoredUpdates, count: number): boolean {
  const newest = stored.chunks.at(-1);
  return newest !== undefined && newest.count + count <= UPDATE_CHUNK_SIZE;
}

/**
 * Appends `added` (oldest first): into the newest chunk when
 * extendsNewestChunk says so (`newestChunk` is its content), else as a new
 * chunk; then drops the oldest chunks while the others hold at least
 * MAX_THREAT_UPDATES. Any two consecutive chunks hold more than
 * UPDATE_CHUNK_SIZE, so a record keeps a few dozen chunks at most.
 */
export function appendUpdates(
  stored: StoredUpdates,
  added: readonly ThreatUpdate[],
  newestChunk: readonly ThreatUpdate[] | undefined,
): UpdatesAppend {
  const chunks = [...stored.chunks];
  let chunk: UpdatesAppend['chunk'];
  if (newestChunk && extendsNewestChunk(stored, added.length)) {
    chunk = { id: chunks.pop()!.id, updates: [...newestChunk, ...added] };
  } else {
    chunk = { id: (chunks.at(-1)?.id ?? -1) + 1, updates: [...added] };
  }
  chunks.push({ id: chunk.id, ...summarizeUpdates(chunk.updates) });
  let total = chunks.reduce((sum, each) => sum + each.count, 0);
  let archive = stored.archive;
  const dropped: number[] = [];
  while (chunks.length > 1 && total - chunks[0]!.count >= MAX_THREAT_UPDATES) {
    const { id, ...oldest } = chunks.shift()!;
    total -= oldest.count;
    archive = mergeArchives(archive, oldest);
    dropped.push(id);
  }
  return { stored: { chunks, archive }, chunk, dropped };
}

/** What readers see of the history: the last MAX_THREAT_UPDATES, the rest archived. */
export function assembleUpdates(
  stored: StoredUpdates,
  chunkContents: readonly (readonly ThreatUpdate[])[],
): Pick<ThreatRecord, 'updates' | 'archivedUpdates'> {
  const updates = chunkContents.flat();
  const excess = Math.max(0, updates.length - MAX_THREAT_UPDATES);
  return {
    updates: updates.slice(excess),
    archivedUpdates:
      excess > 0
        ? mergeArchives(stored.archive, summarizeUpdates(updates.slice(0, excess)))
        : { ...stored.archive },
  };
}
