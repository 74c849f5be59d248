import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_THREAT_UPDATES, type ThreatUpdate } from '../../shared/threat.js';
import {
  appendUpdates,
  assembleUpdates,
  extendsNewestChunk,
  summarizeUpdates,
  UPDATE_CHUNK_SIZE,
  type StoredUpdates,
} from './threat-update-chunks.js';

const update = (sequence: number, second: number): ThreatUpdate => ({
  campaignId: `c-${sequence}`,
  host: `127.61.${sequence % 250}.1`,
  port: 80,
  product: 'apache:http_server',
  version: '2.4.49',
  engine: 'nmap',
  observedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
});

/** Appends batches the way threat-record-store.ts does, with a Map for the chunk entries. */
function storeBatches(batches: readonly ThreatUpdate[][]) {
  let stored: StoredUpdates = { chunks: [], archive: { count: 0 } };
  const entries = new Map<number, ThreatUpdate[]>();
  let largestStored = 0;
  let mostChunks = 0;
  for (const batch of batches) {
    const newest = stored.chunks.at(-1);
    const newestChunk =
      newest && extendsNewestChunk(stored, batch.length) ? entries.get(newest.id) : undefined;
    const append = appendUpdates(stored, batch, newestChunk);
    entries.set(append.chunk.id, append.chunk.updates);
    for (const id of append.dropped) entries.delete(id);
    stored = append.stored;
    expect([...entries.keys()]).toEqual(stored.chunks.map((chunk) => chunk.id));
    largestStored = Math.max(largestStored, [...entries.values()].flat().length);
    mostChunks = Math.max(mostChunks, stored.chunks.length);
  }
  const read = assembleUpdates(
    stored,
    stored.chunks.map((chunk) => entries.get(chunk.id)!),
  );
  return { read, largestStored, mostChunks };
}

describe('threat update chunks', () => {
  it('reads back the last MAX_THREAT_UPDATES with the rest archived, as trimming inline did', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 400 }), {
          maxLength: 40,
        }),
        (secondsByBatch) => {
          let sequence = 0;
          const batches = secondsByBatch.map((seconds) =>
            seconds.map((second) => update(sequence++, second)),
          );
          const all = batches.flat();
          const kept = all.slice(-MAX_THREAT_UPDATES);
          const archived = all.slice(0, all.length - kept.length);
          const { read, largestStored, mostChunks } = storeBatches(batches);
          expect(read.updates).toEqual(kept);
          expect(read.archivedUpdates).toEqual(summarizeUpdates(archived));
          // What stays stored is bounded: past the limit by at most one chunk, a few dozen chunks.
          expect(largestStored).toBeLessThanOrEqual(MAX_THREAT_UPDATES + 400 + UPDATE_CHUNK_SIZE);
          expect(mostChunks).toBeLessThanOrEqual(
            (2 * (MAX_THREAT_UPDATES + 400)) / UPDATE_CHUNK_SIZE + 2,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('extends a small newest chunk instead of starting another', () => {
    const first = appendUpdates({ chunks: [], archive: { count: 0 } }, [update(0, 1)], undefined);
    expect(first.chunk.id).toBe(0);
    expect(extendsNewestChunk(first.stored, UPDATE_CHUNK_SIZE - 1)).toBe(true);
    expect(extendsNewestChunk(first.stored, UPDATE_CHUNK_SIZE)).toBe(false);
    const second = appendUpdates(first.stored, [update(1, 2)], first.chunk.updates);
    expect(second.chunk).toEqual({ id: 0, updates: [update(0, 1), update(1, 2)] });
    expect(second.stored.chunks).toEqual([
      { id: 0, count: 2, oldestAt: update(0, 1).observedAt, newestAt: update(1, 2).observedAt },
    ]);
    const big = Array.from({ length: UPDATE_CHUNK_SIZE }, (_, index) => update(index + 2, 3));
    const third = appendUpdates(second.stored, big, undefined);
    expect(third.chunk.id).toBe(1);
    expect(third.stored.chunks.map((chunk) => chunk.count)).toEqual([2, UPDATE_CHUNK_SIZE]);
  });

  it('drops a chunk once the newer ones hold MAX_THREAT_UPDATES, into the archive', () => {
    const old = Array.from({ length: 10 }, (_, index) => update(index, index));
    const recent = Array.from({ length: MAX_THREAT_UPDATES }, (_, index) =>
      update(index + 10, 100 + index),
    );
    const first = appendUpdates({ chunks: [], archive: { count: 3 } }, old, undefined);
    const second = appendUpdates(first.stored, recent, undefined);
    expect(second.dropped).toEqual([0]);
    expect(second.stored.chunks).toHaveLength(1);
    expect(second.stored.archive).toEqual({
      count: 13,
      oldestAt: old[0]!.observedAt,
      newestAt: old[9]!.observedAt,
    });
  });
});
