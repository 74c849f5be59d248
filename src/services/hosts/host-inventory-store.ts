import * as restate from '@restatedev/restate-sdk';
import {
  mergeHostSightings,
  type HostPage,
  type HostRecord,
  type HostSightings,
} from '../../shared/host-inventory.js';
import { groupByNetwork, networkOf } from '../../shared/host-network.js';
import { packHosts, unpackHosts, type PackedHosts } from '../../shared/packed-hosts.js';
import { MAX_STATE_ENTRY_BYTES, readStateValues, setIfItFits } from '../state-entries.js';

/**
 * How the HostInventory object keeps its hosts: by network (an IPv4 /24, see
 * {@link networkOf}), one state entry `network:NETWORK` holding the network's
 * hosts in address order, packed (src/shared/packed-hosts.ts; entries
 * written before packing are plain arrays and read the same). A batch is a
 * contiguous window of addresses, so it reads and rewrites one or two entries
 * with lazy state. (One entry per host was the first layout: every lazy read
 * and write is a journal entry, about 950 of them per batch of 316 hosts.)
 *
 * Inventories written by that first layout keep `host:ADDRESS` entries. LAYOUT
 * names the networks that still have such entries; it is absent until the
 * first batch after the upgrade lists the object's keys to find them. A batch
 * that sees a host of such a network moves the whole network into its
 * `network:` entry. Until then readers find the host in its old entry.
 *
 * A network whose hosts would make an entry larger than
 * {@link MAX_STATE_ENTRY_BYTES} (a tarpit /24 answering on every port,
 * scanned over a thousand ports: ~28 MB) stays, or goes back to, one entry
 * per host and is listed in LAYOUT: one entry of that size would pass
 * Restate's message limit (~32 MiB), and the batch recording it would be
 * retried without end.
 */
const NETWORK_PREFIX = 'network:';
const LEGACY_HOST_PREFIX = 'host:';
const LAYOUT = 'layout';

interface InventoryLayout {
  /** Networks whose hosts are still stored one entry per host (`host:ADDRESS`). */
  legacyNetworks: string[];
}

type StateReader = Pick<restate.ObjectSharedContext, 'get' | 'stateKeys'>;
/** A `network:` entry: packed, or a plain array when written before packing. */
type NetworkEntry = PackedHosts | HostRecord[];

/** Folds one batch's sightings into the inventory: one read and one write per network seen. */
export async function recordHostSightings(
  context: restate.ObjectContext,
  sightings: HostSightings,
  maxNetworkEntryBytes = MAX_STATE_ENTRY_BYTES,
): Promise<void> {
  const byNetwork = groupByNetwork(sightings.hosts, (sighting) => sighting.address);
  if (byNetwork.size === 0) return;
  const networks = [...byNetwork.keys()];
  // All reads at once: a read the server did not send with the call is a round trip each.
  const [storedLayout, ...entries] = await readStateValues<unknown>(context, [
    LAYOUT,
    ...networks.map((network) => NETWORK_PREFIX + network),
  ]);

  let keys: string[] | undefined;
  const stateKeys = async () => (keys ??= await context.stateKeys());
  const layout = (storedLayout as InventoryLayout | null) ?? {
    legacyNetworks: legacyNetworksOf(await stateKeys()),
  };
  const legacy = await takeLegacyHosts(
    context,
    networks.filter((network) => layout.legacyNetworks.includes(network)),
    stateKeys,
  );

  const oversized: string[] = [];
  networks.forEach((network, index) => {
    const existing = [
      ...(legacy.get(network) ?? []),
      ...unpackHosts(entries[index] as NetworkEntry | null),
    ];
    const merged = mergeHostSightings(
      existing,
      byNetwork.get(network)!,
      sightings.campaignId,
      sightings.at,
    );
    if (setIfItFits(context, NETWORK_PREFIX + network, packHosts(merged), maxNetworkEntryBytes))
      return;
    oversized.push(network);
    context.clear(NETWORK_PREFIX + network);
    for (const host of merged) context.set(LEGACY_HOST_PREFIX + host.address, host);
  });
  if (!storedLayout || legacy.size > 0 || oversized.length > 0) {
    const stillPerHost = layout.legacyNetworks.filter((network) => !legacy.has(network));
    context.set(LAYOUT, {
      legacyNetworks: [...new Set([...stillPerHost, ...oversized])].sort(),
    } satisfies InventoryLayout);
  }
}

/**
 * Reads and clears the per-host entries of `networks` (an inventory of the
 * first layout), by network. The caller writes them into the network entries.
 */
async function takeLegacyHosts(
  context: restate.ObjectContext,
  networks: readonly string[],
  stateKeys: () => Promise<string[]>,
): Promise<Map<string, HostRecord[]>> {
  const byNetwork = new Map<string, HostRecord[]>();
  if (networks.length === 0) return byNetwork;
  const wanted = new Set(networks);
  const keys = (await stateKeys()).filter(
    (key) =>
      key.startsWith(LEGACY_HOST_PREFIX) &&
      wanted.has(networkOf(key.slice(LEGACY_HOST_PREFIX.length))),
  );
  const hosts = await readStateValues<HostRecord>(context, keys);
  for (const network of networks) byNetwork.set(network, []);
  keys.forEach((key, index) => {
    const host = hosts[index];
    if (host) byNetwork.get(networkOf(host.address))?.push(host);
    context.clear(key);
  });
  return byNetwork;
}

function legacyNetworksOf(keys: readonly string[]): string[] {
  const networks = new Set<string>();
  for (const key of keys) {
    if (key.startsWith(LEGACY_HOST_PREFIX))
      networks.add(networkOf(key.slice(LEGACY_HOST_PREFIX.length)));
  }
  return [...networks].sort();
}

/** A host as stored, and how to store a change to it where it is. */
export interface StoredHost {
  host: HostRecord;
  save: (updated: HostRecord) => void;
}

/** One host (read lazily: its network's entry, else its entry of the first layout), or undefined. */
export async function findHost(
  context: restate.ObjectContext,
  address: string,
): Promise<StoredHost | undefined> {
  const networkKey = NETWORK_PREFIX + networkOf(address);
  const network = unpackHosts(await context.get<NetworkEntry>(networkKey));
  const index = network.findIndex((host) => host.address === address);
  if (index >= 0) {
    return {
      host: network[index]!,
      save: (updated) => context.set(networkKey, packHosts(network.with(index, updated))),
    };
  }
  const legacyKey = LEGACY_HOST_PREFIX + address;
  const legacy = await context.get<HostRecord>(legacyKey);
  return legacy ? { host: legacy, save: (updated) => context.set(legacyKey, updated) } : undefined;
}

/** One host for a reader; see findHost. */
export async function readHost(context: StateReader, address: string): Promise<HostRecord | null> {
  const network = unpackHosts(await context.get<NetworkEntry>(NETWORK_PREFIX + networkOf(address)));
  return (
    network.find((host) => host.address === address) ??
    (await context.get<HostRecord>(LEGACY_HOST_PREFIX + address)) ??
    null
  );
}

/**
 * Bytes of state one `list` page reads, at most about: pages stay far below
 * Restate's ~32 MiB message limit (an entry holds up to
 * {@link MAX_STATE_ENTRY_BYTES}), whatever the inventory's size. 45,000 hosts
 * with two services each passed it in one answer.
 */
const HOST_PAGE_BYTES = 8 * 2 ** 20;
const utf8 = new TextDecoder();

/**
 * The entries after key `after` (all when undefined), in key order and as
 * stored (the reader unpacks them), until about {@link HOST_PAGE_BYTES}, as
 * counted in the stored bytes (read as bytes and parsed once, not serialized
 * again to be measured). Entries of the first layout (`host:`) sort before
 * network entries (`network:`), which are newer for the same host: a reader
 * that keeps the last copy of each address it meets, page after page, reads
 * the inventory right (readAllHostPages in src/shared/host-inventory.ts).
 */
export async function readHostPage(context: StateReader, after?: string): Promise<HostPage> {
  const keys = (await context.stateKeys())
    .filter((key) => key.startsWith(NETWORK_PREFIX) || key.startsWith(LEGACY_HOST_PREFIX))
    .sort()
    .filter((key) => after === undefined || key > after);
  const entries: HostPage['entries'] = [];
  let bytes = 0;
  for (const [index, key] of keys.entries()) {
    const stored = await context.get<Uint8Array>(key, restate.serde.binary);
    if (stored) {
      entries.push(JSON.parse(utf8.decode(stored)) as NetworkEntry | HostRecord);
      bytes += stored.length;
    }
    if (bytes >= HOST_PAGE_BYTES && index < keys.length - 1) return { entries, next: key };
  }
  return { entries };
}
