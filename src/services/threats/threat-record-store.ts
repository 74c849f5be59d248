import type * as restate from '@restatedev/restate-sdk';
import { compareAddresses } from '../../shared/address-intervals.js';
import { groupBy, groupByNetwork, networkOf } from '../../shared/host-network.js';
import type {
  AffectedService,
  ThreatRecord,
  ThreatSummary,
  ThreatUpdate,
} from '../../shared/threat.js';
import {
  MAX_STATE_ENTRY_BYTES,
  readStateEntries,
  readStateValues,
  setIfItFits,
} from '../state-entries.js';
import { summarizeThreat, type AffectedCounts } from './threat-record.js';
import { packRecords, unpackRecords, type PackedRecords } from '../packed-records.js';
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
 * too, in append-only chunks `updates:ID` (packed like the services, see
 * below) listed in the header (threat-update-chunks.ts), so a batch writes
 * its new updates and a small header instead of re-reading and rewriting
 * ~170 KB of history.
 *
 * Records written before the split hold `affected` inside RECORD and no
 * counts; records written before the chunks hold `updates` inside RECORD and
 * no chunk list. Both are read as they are and converted the first time a
 * batch writes (a header-only change converts the update history too).
 *
 * A network whose services would make its entry larger than
 * {@link MAX_STATE_ENTRY_BYTES} is stored one entry per host (`host:ADDRESS`),
 * and a host too large for one entry one entry per PORT_BLOCK ports
 * (`ports:ADDRESS/FIRST_PORT`). The header's `layout` lists both (the
 * inventory keeps its layout in an entry of its own; every call here reads the
 * header anyway), so a batch reads such entries in a second round trip, only
 * when it sees such a network. As in
 * the host inventory (host-inventory-store.ts), no write may pass Restate's
 * message limit (~32 MiB): a batch that did would be retried without end, and
 * so would every later call of this CVE. Services are never removed, so a
 * network or host once split stays split. How large the entries get, with
 * the per-service cap (MAX_CAMPAIGNS_PER_SERVICE campaign ids):
 *
 * Entries hold their services packed (src/services/packed-records.ts: the
 * strings of an entry once, each service a row of numbers); entries written
 * before that hold plain arrays, read as they are and packed when rewritten.
 *
 * - A service is ~25-40 bytes seen once (~210 as an object) and ~130 with 32
 *   campaign ids (~740): each id is stored once per entry, the services
 *   list it by index. A service whose product or version text is unlike any
 *   other's adds that text.
 * - A /24 can hold 256 x 65,535 services. A honeypot /24 showing one
 *   vulnerable banner on its top 1,000 ports is 254,000 services: ~6-10 MB
 *   after one campaign (13 batches of at most MAX_FINDINGS_PER_BATCH,
 *   20,000), ~33 MB after 32. A network passes 8 MiB at ~220,000 services
 *   seen once, ~65,000 seen by 32 campaigns.
 * - One entry per host is not bound either: a host answering on every port
 *   (portspoof) is 65,535 services, ~8.5 MB after 32 campaigns, more with
 *   distinct version texts.
 * - A block of PORT_BLOCK (1,024) ports of one host is at most 1,024
 *   services: ~130 KB, and under 8 MiB unless each brings kilobytes of its
 *   own product and version text (banners are cut to 256 characters).
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
const HOST_PREFIX = 'host:';
const PORT_BLOCK_PREFIX = 'ports:';
const UPDATES_PREFIX = 'updates:';
/** Ports per entry of a host stored by port block (see above). */
export const PORT_BLOCK = 1024;

/** Where the services of the networks and hosts too large for one entry are; see above. */
interface StoredLayout {
  /** Networks stored one entry per host (`host:ADDRESS`) instead of `hosts:NETWORK`. */
  perHostNetworks: string[];
  /** Hosts (of those networks) stored one entry per port block (`ports:ADDRESS/FIRST_PORT`). */
  perBlockHosts: string[];
}

/**
 * RECORD as stored: `affected` is empty once `affectedCounts` is set;
 * `updates` is empty and `archivedUpdates` covers only the dropped chunks once
 * `updateChunks` is set.
 */
type StoredHeader = ThreatRecord & {
  affectedCounts?: AffectedCounts;
  updateChunks?: UpdateChunk[];
  revision?: number;
  /** Absent while every network fits in one entry. */
  layout?: StoredLayout;
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
  /** Undefined while every network fits in one entry. */
  layout: StoredLayout | undefined;
}

type StateReader = Pick<restate.ObjectSharedContext, 'get' | 'stateKeys'>;

/** A list of services or updates as an entry holds it: packed, or a plain array (before packing). */
type StoredList<T> = PackedRecords | T[] | null;

/** The whole record (every affected service, in address then port order), or undefined. */
export async function readWholeThreatRecord(
  context: StateReader,
): Promise<PartialThreatRecord | undefined> {
  const header = await context.get<StoredHeader>(RECORD);
  if (!header) return undefined;
  const { affectedCounts, updateChunks, revision, layout, ...record } = header;
  const updates = updateChunks && { chunks: updateChunks, archive: record.archivedUpdates };
  if (updates) {
    const chunks = await readStateValues<StoredList<ThreatUpdate>>(
      context,
      updates.chunks.map((chunk) => UPDATES_PREFIX + chunk.id),
    );
    Object.assign(record, assembleUpdates(updates, chunks.map(unpackRecords<ThreatUpdate>)));
  }
  if (!affectedCounts) return { record, counts: undefined, updates, revision, layout };
  // Each service is in exactly one of these: a split clears the entry it splits.
  const entries = await readStateEntries<StoredList<AffectedService>>(
    context,
    layout ? [NETWORK_PREFIX, HOST_PREFIX, PORT_BLOCK_PREFIX] : NETWORK_PREFIX,
  );
  return {
    record: {
      ...record,
      affected: entries.flatMap(unpackRecords<AffectedService>).sort(compareServices),
    },
    counts: affectedCounts,
    updates,
    revision,
    layout,
  };
}

/** A service's place: its host and port. */
type ServiceKey = Pick<AffectedService, 'host' | 'port'>;

/**
 * The record with the affected services that `seen` (services about to be
 * sighted) can change: those of their networks; of their hosts in a network
 * stored per host; of their port blocks for a host stored per block. All of
 * them for an unsplit record. Without its chunked update history (which
 * writeSightings appends to without reading).
 */
export async function readThreatRecordFor(
  context: restate.ObjectContext,
  seen: readonly ServiceKey[],
): Promise<PartialThreatRecord | undefined> {
  // One round trip: the networks' entries are read with the header (absent ones are null).
  const [stored, ...entries] = await readStateValues<unknown>(context, [
    RECORD,
    ...[...new Set(seen.map((service) => networkOf(service.host)))].map(
      (network) => NETWORK_PREFIX + network,
    ),
  ]);
  const header = stored as StoredHeader | null;
  if (!header) return undefined;
  const { affectedCounts, updateChunks, revision, layout, ...record } = header;
  const updates = updateChunks && { chunks: updateChunks, archive: record.archivedUpdates };
  if (!affectedCounts) return { record, counts: undefined, updates, revision, layout };
  // A second one only for the networks stored per host.
  const splitKeys = layout ? splitEntryKeys(seen, layout) : [];
  const split = splitKeys.length > 0 ? await readStateValues<unknown>(context, splitKeys) : [];
  return {
    record: {
      ...record,
      affected: ([...entries, ...split] as StoredList<AffectedService>[]).flatMap(
        unpackRecords<AffectedService>,
      ),
    },
    counts: affectedCounts,
    updates,
    revision,
    layout,
  };
}

/** The per-host and per-block entries that hold (or will hold) `seen` services of split networks. */
function splitEntryKeys(seen: readonly ServiceKey[], layout: StoredLayout): string[] {
  const perHostNetworks = new Set(layout.perHostNetworks);
  const perBlockHosts = new Set(layout.perBlockHosts);
  const keys = new Set<string>();
  for (const { host, port } of seen) {
    if (perBlockHosts.has(host)) keys.add(portBlockKey(host, port));
    else if (perHostNetworks.has(networkOf(host))) keys.add(HOST_PREFIX + host);
  }
  return [...keys];
}

function portBlockKey(host: string, port: number): string {
  return `${PORT_BLOCK_PREFIX}${host}/${port - (port % PORT_BLOCK)}`;
}

/**
 * Stores a record changed by sightings. `before` is what was read (undefined
 * for a new record); `after` holds the services it held, changed, plus any
 * new ones. Only the entries holding those are written; `maxEntryBytes` is
 * for tests.
 */
export async function writeSightings(
  context: restate.ObjectContext,
  before: PartialThreatRecord | undefined,
  after: ThreatRecord,
  at: string,
  maxEntryBytes = MAX_STATE_ENTRY_BYTES,
): Promise<ThreatSummary> {
  // A host stored per block is known even when none of its blocks read held a service.
  const hostsBefore = new Set([
    ...(before?.record.affected.map((service) => service.host) ?? []),
    ...(before?.layout?.perBlockHosts ?? []),
  ]);
  const layout = writeServices(context, after.affected, before?.layout, maxEntryBytes);
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
  return writeHeader(context, before, after, counts, updates, layout, at);
}

/**
 * Writes `services` (every service of each of their networks, hosts or port
 * blocks, as read plus any new) into one entry per network where it fits,
 * else one per host, else one per port block; returns the layout after.
 */
function writeServices(
  context: restate.ObjectContext,
  services: readonly AffectedService[],
  layout: StoredLayout | undefined,
  maxEntryBytes: number,
): StoredLayout | undefined {
  const perHostNetworks = new Set(layout?.perHostNetworks);
  const perBlockHosts = new Set(layout?.perBlockHosts);
  for (const [network, ofNetwork] of groupByNetwork(services, (service) => service.host)) {
    if (!perHostNetworks.has(network)) {
      if (setIfItFits(context, NETWORK_PREFIX + network, packRecords(ofNetwork), maxEntryBytes))
        continue;
      context.clear(NETWORK_PREFIX + network);
      perHostNetworks.add(network);
    }
    for (const [host, ofHost] of groupBy(ofNetwork, (service) => service.host)) {
      if (!perBlockHosts.has(host)) {
        if (setIfItFits(context, HOST_PREFIX + host, packRecords(ofHost), maxEntryBytes)) continue;
        context.clear(HOST_PREFIX + host);
        perBlockHosts.add(host);
      }
      for (const [key, ofBlock] of groupBy(ofHost, (service) => portBlockKey(host, service.port)))
        context.set(key, packRecords(ofBlock));
    }
  }
  if (perHostNetworks.size === 0) return undefined;
  return { perHostNetworks: [...perHostNetworks].sort(), perBlockHosts: [...perBlockHosts].sort() };
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
  return writeHeader(context, before, record, before.counts, updates, before.layout, at);
}

async function writeHeader(
  context: restate.ObjectContext,
  before: PartialThreatRecord | undefined,
  record: ThreatRecord,
  counts: AffectedCounts,
  updates: StoredUpdates,
  layout: StoredLayout | undefined,
  at: string,
): Promise<ThreatSummary> {
  const header: StoredHeader = {
    ...record,
    affected: [],
    affectedCounts: counts,
    updates: [],
    archivedUpdates: updates.archive,
    updateChunks: updates.chunks,
    ...(layout && { layout }),
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
      ? unpackRecords(await context.get<StoredList<ThreatUpdate>>(UPDATES_PREFIX + newest.id))
      : undefined;
  const append = appendUpdates(stored, added, newestChunk);
  context.set(UPDATES_PREFIX + append.chunk.id, packRecords(append.chunk.updates));
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
