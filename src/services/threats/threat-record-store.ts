import type * as restate from '@restatedev/restate-sdk';
import { compareAddresses } from '../../shared/address-intervals.js';
import { groupByNetwork, networkOf } from '../../shared/host-network.js';
import type {
  AffectedService,
  ThreatRecord,
  ThreatSummary,
  ThreatUpdate,
} from '../../shared/threat.js';
import { readStateEntries, readStateValues } from '../state-entries.js';
import { summarizeThreat, type AffectedCounts } from './threat-record.js';
import {
  appendUpdates,
  assembleUpdates,
  extendsNewestChunk,
  type StoredUpdates,
  type UpdateChunk,
} from './threat-update-chunks.js';

/**
 * How a ThreatIntel object keeps its record. A CVE seen on thousands of
 * services would otherwise be one state value rewritten by every batch that
 * sees it (O(hosts x batches) bytes through the SDK, the journal and
 * RocksDB). So the record is split: everything but its affected services
 * under RECORD (the header, with their counts for the threats table), and the
 * affected services by network under `hosts:NETWORK` (an IPv4 /24, see
 * {@link networkOf}). A batch is a contiguous window of addresses, so it reads
 * and rewrites the one or two networks it saw (with lazy state); readers get
 * the whole record, assembled. (One entry per host was tried: every lazy read
 * and write is a journal entry, and a batch's thousands of them cost
 * restate-server more than the bytes they saved.)
 *
 * The update history (the last MAX_THREAT_UPDATES sightings) lives apart
 * too, in append-only chunks `updates:ID` listed in the header
 * (threat-update-chunks.ts), so a batch writes its new updates and a small
 * header instead of re-reading and rewriting ~170 KB of history.
 *
 * Records written before the split hold `affected` inside RECORD and no
 * counts; records written before the chunks hold `updates` inside RECORD and
 * no chunk list. Both are read as they are and converted the first time a
 * batch writes (a header-only change converts the update history too).
 */
const RECORD = 'record';
/**
 * How many times RECORD was written (the `revision` of the threats-table
 * rows made from it) is kept in RECORD; records written before that keep it
 * in REVISION, cleared when RECORD takes it over (one read and one write
 * fewer for every batch).
 */
const REVISION = 'revision';
const NETWORK_PREFIX = 'hosts:';
const UPDATES_PREFIX = 'updates:';

/**
 * RECORD as stored: `affected` is empty once `affectedCounts` is set;
 * `updates` is empty and `archivedUpdates` covers only the dropped chunks once
 * `updateChunks` is set.
 */
type StoredHeader = ThreatRecord & {
  affectedCounts?: AffectedCounts;
  updateChunks?: UpdateChunk[];
  revision?: number;
};

/** A record (whole, or with the affected services of some hosts only) and the counts of all. */
export interface PartialThreatRecord {
  record: ThreatRecord;
  /** Undefined for a record from before the split: its `affected` is complete. */
  counts: AffectedCounts | undefined;
  /**
   * The stored update history; undefined for a record from before the
   * chunks, whose `updates` are complete.
   */
  updates: StoredUpdates | undefined;
  /** The record's write count; undefined for a record from before it was kept in RECORD. */
  revision: number | undefined;
}

type StateReader = Pick<restate.ObjectSharedContext, 'get' | 'stateKeys'>;

/** The whole record (every affected service, in address then port order), or undefined. */
export async function readWholeThreatRecord(
  context: StateReader,
): Promise<PartialThreatRecord | undefined> {
  const header = await context.get<StoredHeader>(RECORD);
  if (!header) return undefined;
  const { affectedCounts, updateChunks, revision, ...record } = header;
  const updates = updateChunks && { chunks: updateChunks, archive: record.archivedUpdates };
  if (updates) {
    const chunks = await readStateValues<ThreatUpdate[]>(
      context,
      updates.chunks.map((chunk) => UPDATES_PREFIX + chunk.id),
    );
    Object.assign(
      record,
      assembleUpdates(
        updates,
        chunks.map((chunk) => chunk ?? []),
      ),
    );
  }
  if (!affectedCounts) return { record, counts: undefined, updates, revision };
  const networks = await readStateEntries<AffectedService[]>(context, NETWORK_PREFIX);
  return {
    record: { ...record, affected: networks.flat().sort(compareServices) },
    counts: affectedCounts,
    updates,
    revision,
  };
}

/**
 * The record with the affected services of the networks of `hosts` (all of
 * them for an unsplit record) and without its chunked update history (which
 * writeSightings appends to without reading).
 */
export async function readThreatRecordFor(
  context: restate.ObjectContext,
  hosts: readonly string[],
): Promise<PartialThreatRecord | undefined> {
  // One round trip: the networks' entries are read with the header (absent ones are null).
  const [stored, ...entries] = await readStateValues<unknown>(context, [
    RECORD,
    ...[...new Set(hosts.map(networkOf))].map((network) => NETWORK_PREFIX + network),
  ]);
  const header = stored as StoredHeader | null;
  if (!header) return undefined;
  const { affectedCounts, updateChunks, revision, ...record } = header;
  const updates = updateChunks && { chunks: updateChunks, archive: record.archivedUpdates };
  if (!affectedCounts) return { record, counts: undefined, updates, revision };
  return {
    record: {
      ...record,
      affected: (entries as (AffectedService[] | null)[]).flatMap((entry) => entry ?? []),
    },
    counts: affectedCounts,
    updates,
    revision,
  };
}

/**
 * Stores a record changed by sightings. `before` is what was read (undefined
 * for a new record); `after` holds the services of the same networks, changed,
 * plus any new ones. Only those networks' entries are written.
 */
export async function writeSightings(
  context: restate.ObjectContext,
  before: PartialThreatRecord | undefined,
  after: ThreatRecord,
  at: string,
): Promise<ThreatSummary> {
  const hostsBefore = new Set(before?.record.affected.map((service) => service.host));
  const byNetwork = groupByNetwork(after.affected, (service) => service.host);
  for (const [network, services] of byNetwork) context.set(NETWORK_PREFIX + network, services);
  const hostsAfter = new Set(after.affected.map((service) => service.host));
  // A record from before the split had all its services in `after`: these are its counts.
  const counts: AffectedCounts = before?.counts
    ? {
        hosts:
          before.counts.hosts + [...hostsAfter].filter((host) => !hostsBefore.has(host)).length,
        services: before.counts.services + after.affected.length - before.record.affected.length,
      }
    : { hosts: hostsAfter.size, services: after.affected.length };
  // `after.updates` are this batch's (all of them for a record from before the chunks).
  const updates = await appendToHistory(
    context,
    { chunks: before?.updates?.chunks ?? [], archive: after.archivedUpdates },
    after.updates,
  );
  return writeHeader(context, before, after, counts, updates, at);
}

/**
 * Stores a change that leaves the affected services and the update history
 * alone (triage, re-check, re-scoring). `before` is the record as read.
 */
export async function writeRecordHeader(
  context: restate.ObjectContext,
  record: ThreatRecord,
  before: PartialThreatRecord,
  at: string,
): Promise<ThreatSummary> {
  // Not split yet: kept whole, as it was read.
  if (!before.counts) return writeRevision(context, before, record, summarizeThreat(record, at));
  const updates =
    before.updates ??
    (await appendToHistory(
      context,
      { chunks: [], archive: record.archivedUpdates },
      record.updates,
    ));
  return writeHeader(context, before, record, before.counts, updates, at);
}

async function writeHeader(
  context: restate.ObjectContext,
  before: PartialThreatRecord | undefined,
  record: ThreatRecord,
  counts: AffectedCounts,
  updates: StoredUpdates,
  at: string,
): Promise<ThreatSummary> {
  const header: StoredHeader = {
    ...record,
    affected: [],
    affectedCounts: counts,
    updates: [],
    archivedUpdates: updates.archive,
    updateChunks: updates.chunks,
  };
  return writeRevision(context, before, header, summarizeThreat(record, at, counts));
}

/** Writes `added` into the update history (reading its newest chunk only when extending it). */
async function appendToHistory(
  context: restate.ObjectContext,
  stored: StoredUpdates,
  added: readonly ThreatUpdate[],
): Promise<StoredUpdates> {
  if (added.length === 0) return stored;
  const newest = stored.chunks.at(-1);
  const newestChunk =
    newest && extendsNewestChunk(stored, added.length)
      ? ((await context.get<ThreatUpdate[]>(UPDATES_PREFIX + newest.id)) ?? [])
      : undefined;
  const append = appendUpdates(stored, added, newestChunk);
  context.set(UPDATES_PREFIX + append.chunk.id, append.chunk.updates);
  for (const id of append.dropped) context.clear(UPDATES_PREFIX + id);
  return append.stored;
}

/** Writes RECORD with the next revision; `before` is the record as read (undefined: a new one). */
async function writeRevision(
  context: restate.ObjectContext,
  before: PartialThreatRecord | undefined,
  stored: StoredHeader,
  row: ThreatSummary,
): Promise<ThreatSummary> {
  const previous = before ? (before.revision ?? (await context.get<number>(REVISION)) ?? 0) : 0;
  const revision = previous + 1;
  context.set(RECORD, { ...stored, revision } satisfies StoredHeader);
  if (before && before.revision === undefined) context.clear(REVISION);
  return { ...row, revision };
}

function compareServices(left: AffectedService, right: AffectedService): number {
  return compareAddresses(left.host, right.host) || left.port - right.port;
}
