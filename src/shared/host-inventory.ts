import { z } from 'zod';
import { compareAddresses } from './address-intervals.js';
import { unpackHosts, type PackedHosts } from './packed-hosts.js';
import { TriageState } from './threat.js';
import { Severity } from './vulnerability.js';

/** A host keeps the newest campaigns that saw it, not all of them forever. */
export const MAX_CAMPAIGNS_PER_HOST = 50;

export const HostCve = z.object({
  cve: z.string(),
  severity: Severity,
  cvssScore: z.number(),
});
export type HostCve = z.infer<typeof HostCve>;

/** One open port of a host, as last observed. */
export const HostPort = z.object({
  port: z.number().int().min(1).max(65535),
  service: z.string().optional(),
  product: z.string().optional(),
  version: z.string().optional(),
  banner: z.string().optional(),
  cves: z.array(HostCve),
  firstSeen: z.string(),
  lastSeen: z.string(),
});
export type HostPort = z.infer<typeof HostPort>;

/**
 * An analyst's verdict on one CVE on one host (Greenbone's "override"): a CVE
 * can be a false positive here and confirmed there. The threat's own triage
 * stays the verdict for every other host.
 */
export const HostCveTriage = z.object({
  state: TriageState,
  note: z.string().max(4000).optional(),
  actor: z.string().max(200).optional(),
  at: z.string(),
});
export type HostCveTriage = z.infer<typeof HostCveTriage>;

export const HostCveTriageRequest = z.object({
  address: z.string().min(1).max(64),
  cve: z.string().regex(/^CVE-\d{4}-\d{4,}$/, 'a CVE id like CVE-2021-41773'),
  state: TriageState,
  note: z.string().trim().max(4000).optional(),
  actor: z.string().trim().max(200).optional(),
});
export type HostCveTriageRequest = z.infer<typeof HostCveTriageRequest>;

/** Everything known about one address across campaigns. */
export const HostRecord = z.object({
  address: z.string(),
  hostnames: z.array(z.string()),
  ports: z.array(HostPort),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** Newest first, at most MAX_CAMPAIGNS_PER_HOST. */
  campaigns: z.array(z.object({ campaignId: z.string(), lastSeen: z.string() })),
  /** Per-host verdicts by CVE id (absent on records that never had one). */
  cveTriage: z.record(z.string(), HostCveTriage).optional(),
});
export type HostRecord = z.infer<typeof HostRecord>;

/** What one batch saw of one reachable host (the scanner sends these, one call per batch). */
export const HostSighting = z.object({
  address: z.string().min(1),
  hostname: z.string().optional(),
  ports: z.array(HostPort.omit({ firstSeen: true, lastSeen: true })),
});
export type HostSighting = z.infer<typeof HostSighting>;

export const HostSightings = z.object({
  campaignId: z.string().min(1),
  at: z.string(),
  hosts: z.array(HostSighting),
});
export type HostSightings = z.infer<typeof HostSightings>;

/**
 * Folds one sighting into a host's record. Ports seen now are replaced (their
 * service, version and CVEs are the latest word); ports not probed this time
 * are kept with their own last-seen time, since a campaign may scan other ports.
 */
export function mergeHostSighting(
  existing: HostRecord | undefined,
  sighting: HostSighting,
  campaignId: string,
  at: string,
): HostRecord {
  const ports = new Map((existing?.ports ?? []).map((port) => [port.port, port]));
  for (const port of sighting.ports) {
    const previous = ports.get(port.port);
    ports.set(port.port, {
      ...port,
      firstSeen: previous && previous.firstSeen < at ? previous.firstSeen : at,
      lastSeen: previous && previous.lastSeen > at ? previous.lastSeen : at,
    });
  }
  const hostnames = new Set(existing?.hostnames ?? []);
  if (sighting.hostname) hostnames.add(sighting.hostname);
  const campaigns = [
    { campaignId, lastSeen: at },
    ...(existing?.campaigns ?? []).filter((campaign) => campaign.campaignId !== campaignId),
  ]
    .sort((left, right) => (left.lastSeen < right.lastSeen ? 1 : -1))
    .slice(0, MAX_CAMPAIGNS_PER_HOST);
  return {
    ...(existing?.cveTriage ? { cveTriage: existing.cveTriage } : {}),
    address: sighting.address,
    hostnames: [...hostnames].sort(),
    ports: [...ports.values()].sort((left, right) => left.port - right.port),
    firstSeen: existing && existing.firstSeen < at ? existing.firstSeen : at,
    lastSeen: existing && existing.lastSeen > at ? existing.lastSeen : at,
    campaigns,
  };
}

/**
 * Folds a batch's sightings into a group of hosts (one network of the
 * inventory), returned in address order. An address listed twice (an imported
 * file can) merges into what this batch already merged.
 */
export function mergeHostSightings(
  existing: readonly HostRecord[],
  sightings: readonly HostSighting[],
  campaignId: string,
  at: string,
): HostRecord[] {
  const hosts = new Map(existing.map((host) => [host.address, host]));
  for (const sighting of sightings) {
    hosts.set(
      sighting.address,
      mergeHostSighting(hosts.get(sighting.address), sighting, campaignId, at),
    );
  }
  return [...hosts.values()].sort((left, right) => compareAddresses(left.address, right.address));
}

/** Every distinct CVE of a host, most severe first. */
export function hostCves(host: Pick<HostRecord, 'ports'>): HostCve[] {
  const byId = new Map<string, HostCve>();
  for (const port of host.ports) for (const cve of port.cves) byId.set(cve.cve, cve);
  return [...byId.values()].sort(
    (left, right) =>
      Severity.options.indexOf(left.severity) - Severity.options.indexOf(right.severity) ||
      right.cvssScore - left.cvssScore ||
      left.cve.localeCompare(right.cve),
  );
}

/** One page of the host inventory (HostInventory's `list`). */
export interface HostPage {
  /** This page's state entries as stored, in entry order: read them with unpackHosts. */
  entries: Array<PackedHosts | HostRecord[] | HostRecord>;
  /** Pass as `after` for the next page; absent on the last. */
  next?: string;
}

/**
 * Every host, in address order, read page by page through `list`. A host can
 * be on two pages (an entry of the inventory's first layout and its network's
 * entry); the later copy is the newer one (see readHostPage).
 */
export async function readAllHostPages(
  list: (after: string | undefined) => PromiseLike<HostPage>,
): Promise<HostRecord[]> {
  const hosts = new Map<string, HostRecord>();
  let after: string | undefined;
  do {
    const page = await list(after);
    for (const entry of page.entries)
      for (const host of unpackHosts(entry)) hosts.set(host.address, host);
    after = page.next;
  } while (after !== undefined);
  return [...hosts.values()].sort((left, right) => compareAddresses(left.address, right.address));
}
