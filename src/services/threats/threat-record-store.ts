import type * as restate from '@restatedev/restate-sdk';
import { compareAddresses } from '../../shared/address-intervals.js';
import type { AffectedService, ThreatRecord, ThreatSummary } from '../../shared/threat.js';
import { readStateEntries, readStateValues } from '../state-entries.js';
import { summarizeThreat, type AffectedCounts } from './threat-record.js';

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
 * Records written before the split hold `affected` inside RECORD and no
 * counts; they are read as they are and split the first time a batch writes.
 */
const RECORD = 'record';
/** How many times RECORD was written: the `revision` of the threats-table rows made from it. */
const REVISION = 'revision';
const NETWORK_PREFIX = 'hosts:';

/** RECORD as stored: `affected` is empty once `affectedCounts` is set. */
type StoredHeader = ThreatRecord & { affectedCounts?: AffectedCounts };

/** A record (whole, or with the affected services of some hosts only) and the counts of all. */
export interface PartialThreatRecord {
  record: ThreatRecord;
  /** Undefined for a record from before the split: its `affected` is complete. */
  counts: AffectedCounts | undefined;
}

type StateReader = Pick<restate.ObjectSharedContext, 'get' | 'stateKeys'>;

/** The whole record (every affected service, in address then port order), or undefined. */
export async function readWholeThreatRecord(
  context: StateReader,
): Promise<PartialThreatRecord | undefined> {
  const header = await context.get<StoredHeader>(RECORD);
  if (!header) return undefined;
  const { affectedCounts, ...record } = header;
  if (!affectedCounts) return { record, counts: undefined };
  const networks = await readStateEntries<AffectedService[]>(context, NETWORK_PREFIX);
  return {
    record: { ...record, affected: networks.flat().sort(compareServices) },
    counts: affectedCounts,
  };
}

/** The record with the affected services of the networks of `hosts` (all of them for an unsplit record). */
export async function readThreatRecordFor(
  context: restate.ObjectContext,
  hosts: readonly string[],
): Promise<PartialThreatRecord | undefined> {
  const header = await context.get<StoredHeader>(RECORD);
  if (!header) return undefined;
  const { affectedCounts, ...record } = header;
  if (!affectedCounts) return { record, counts: undefined };
  const entries = await readStateValues<AffectedService[]>(
    context,
    [...new Set(hosts.map(networkOf))].map((network) => NETWORK_PREFIX + network),
  );
  return {
    record: { ...record, affected: entries.flatMap((entry) => entry ?? []) },
    counts: affectedCounts,
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
  const byNetwork = new Map<string, AffectedService[]>();
  for (const service of after.affected) {
    const network = networkOf(service.host);
    const services = byNetwork.get(network);
    if (services) services.push(service);
    else byNetwork.set(network, [service]);
  }
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
  return writeHeader(context, after, counts, at);
}

/** Stores a change that leaves the affected services alone (triage, re-check, re-scoring). */
export async function writeRecordHeader(
  context: restate.ObjectContext,
  record: ThreatRecord,
  counts: AffectedCounts | undefined,
  at: string,
): Promise<ThreatSummary> {
  if (counts) return writeHeader(context, record, counts, at);
  // Not split yet: kept whole, as it was read.
  return writeRevision(context, record, summarizeThreat(record, at));
}

async function writeHeader(
  context: restate.ObjectContext,
  record: ThreatRecord,
  counts: AffectedCounts,
  at: string,
): Promise<ThreatSummary> {
  const header: StoredHeader = { ...record, affected: [], affectedCounts: counts };
  return writeRevision(context, header, summarizeThreat(record, at, counts));
}

async function writeRevision(
  context: restate.ObjectContext,
  stored: StoredHeader,
  row: ThreatSummary,
): Promise<ThreatSummary> {
  const revision = ((await context.get<number>(REVISION)) ?? 0) + 1;
  context.set(RECORD, stored);
  context.set(REVISION, revision);
  return { ...row, revision };
}

/**
 * The state entry a host's services live in: its IPv4 /24 ("127.44.1"), its
 * IPv6 /64 (the first four groups as written), or a hostname as it is.
 */
export function networkOf(host: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host.slice(0, host.lastIndexOf('.'));
  if (host.includes(':')) return host.split(':').slice(0, 4).join(':');
  return host;
}

function compareServices(left: AffectedService, right: AffectedService): number {
  return compareAddresses(left.host, right.host) || left.port - right.port;
}
