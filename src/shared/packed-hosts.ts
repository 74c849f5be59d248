import { stringTable } from './string-table.js';
import type { HostCveTriage, HostPort, HostRecord } from './host-inventory.js';

/**
 * A network's hosts as the HostInventory stores them and its `list` pages
 * carry them: every distinct string once, each host and each of its ports a
 * row of numbers. A host repeats what its neighbours say (products, versions,
 * CVE ids, times) and keeps the newest 50 campaigns that saw it, each an id
 * and a time shared by every host of that campaign: as objects, a /24 of the
 * bench lab was 0.56 MB after 14 campaigns and grew by ~18 KB with each one,
 * and every batch reads and rewrites its networks whole.
 *
 * Entries written before packing hold plain HostRecord arrays;
 * {@link unpackHosts} reads both.
 */
export interface PackedHosts {
  packed: 'hosts';
  strings: string[];
  hosts: PackedHost[];
}

/**
 * [address, hostnames, firstSeen, lastSeen, campaigns as (campaignId,
 * lastSeen) pairs, ports, cveTriage when the host has one]; strings are
 * indexes into `strings`.
 */
type PackedHost =
  | [number, number[], number, number, number[], PackedPort[]]
  | [number, number[], number, number, number[], PackedPort[], Record<string, HostCveTriage>];

/**
 * [port, service, product, version, banner, firstSeen, lastSeen, CVEs as
 * (cve, severity, cvssScore) triples]; an absent string is -1.
 */
type PackedPort = [number, number, number, number, number, number, number, Array<number>];

const ABSENT = -1;

/**
 * The fields packing knows, in row order. A field added to HostRecord or
 * HostPort must be packed too: packed-hosts.test.ts compares these lists
 * with the schemas.
 */
export const PACKED_HOST_FIELDS = [
  'address',
  'hostnames',
  'firstSeen',
  'lastSeen',
  'campaigns',
  'ports',
  'cveTriage',
] as const;
export const PACKED_PORT_FIELDS = [
  'port',
  'service',
  'product',
  'version',
  'banner',
  'firstSeen',
  'lastSeen',
  'cves',
] as const;

export function packHosts(hosts: readonly HostRecord[]): PackedHosts {
  const { strings, indexOf } = stringTable();
  const optional = (text: string | undefined): number =>
    text === undefined ? ABSENT : indexOf(text);
  const packPort = (port: HostPort): PackedPort => {
    const cves: number[] = [];
    for (const cve of port.cves) cves.push(indexOf(cve.cve), indexOf(cve.severity), cve.cvssScore);
    return [
      port.port,
      optional(port.service),
      optional(port.product),
      optional(port.version),
      optional(port.banner),
      indexOf(port.firstSeen),
      indexOf(port.lastSeen),
      cves,
    ];
  };
  const rows = hosts.map((host): PackedHost => {
    const campaigns: number[] = [];
    for (const campaign of host.campaigns)
      campaigns.push(indexOf(campaign.campaignId), indexOf(campaign.lastSeen));
    const row: PackedHost = [
      indexOf(host.address),
      host.hostnames.map(indexOf),
      indexOf(host.firstSeen),
      indexOf(host.lastSeen),
      campaigns,
      host.ports.map(packPort),
    ];
    return host.cveTriage ? [...row, host.cveTriage] : row;
  });
  return { packed: 'hosts', strings, hosts: rows };
}

/** The hosts of a network entry or a `list` page entry, whichever form it was written in. */
export function unpackHosts(
  stored: PackedHosts | HostRecord[] | HostRecord | null | undefined,
): HostRecord[] {
  if (!stored) return [];
  if (Array.isArray(stored)) return stored;
  if (!('packed' in stored)) return [stored];
  const { strings } = stored;
  return stored.hosts.map(([address, hostnames, firstSeen, lastSeen, campaigns, ports, triage]) => {
    const host: HostRecord = {
      address: strings[address]!,
      hostnames: hostnames.map((index) => strings[index]!),
      ports: ports.map(unpackPort),
      firstSeen: strings[firstSeen]!,
      lastSeen: strings[lastSeen]!,
      campaigns: [],
    };
    for (let index = 0; index < campaigns.length; index += 2)
      host.campaigns.push({
        campaignId: strings[campaigns[index]!]!,
        lastSeen: strings[campaigns[index + 1]!]!,
      });
    if (triage) host.cveTriage = triage;
    return host;
  });

  function unpackPort([
    port,
    service,
    product,
    version,
    banner,
    firstSeen,
    lastSeen,
    cves,
  ]: PackedPort): HostPort {
    // Built in the schema's key order, which JSON readers of the inventory see.
    const unpacked = { port } as HostPort;
    if (service !== ABSENT) unpacked.service = strings[service];
    if (product !== ABSENT) unpacked.product = strings[product];
    if (version !== ABSENT) unpacked.version = strings[version];
    if (banner !== ABSENT) unpacked.banner = strings[banner];
    unpacked.cves = [];
    for (let index = 0; index < cves.length; index += 3)
      unpacked.cves.push({
        cve: strings[cves[index]!]!,
        severity: strings[cves[index + 1]!] as HostPort['cves'][number]['severity'],
        cvssScore: cves[index + 2]!,
      });
    unpacked.firstSeen = strings[firstSeen]!;
    unpacked.lastSeen = strings[lastSeen]!;
    return unpacked;
  }
}
