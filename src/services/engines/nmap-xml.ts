import { XMLParser } from 'fast-xml-parser';
import type { HostSummary, Observation, PortState } from '../../shared/observation.js';
import { canonicalProduct } from '../../shared/products.js';
import { formatCpe23, parseCpeUri } from '../vulnerabilities/cpe.js';
import {
  cpeForProduct,
  identifyMysqlVersion,
  MAX_BANNER_LENGTH,
  normalizeVersion,
  parseProductToken,
} from './banner-identification.js';

/** One host of an nmap XML report, already in this project's vocabulary. */
export interface NmapHostReport {
  address: string;
  summary: Omit<HostSummary, 'hostname'>;
  /** Open ports only. */
  observations: Observation[];
}

export interface NmapReport {
  hosts: NmapHostReport[];
  /** ISO-8601, from `<nmaprun start>`. */
  startedAt?: string;
  /** ISO-8601, from `<runstats><finished time>`. */
  finishedAt?: string;
  /** `<finished exit="error" errormsg>`: nmap gave up part-way. */
  errorMessage?: string;
}

// Loose shapes of what fast-xml-parser returns; every field is checked before use.
interface XmlService {
  name?: string;
  product?: string;
  version?: string;
  extrainfo?: string;
  tunnel?: string;
  /** CPE 2.2 URIs, `cpe:/a:openbsd:openssh:7.2p2`, application first as nmap writes them. */
  cpe?: Array<string | { '#text'?: string }>;
}
interface XmlPort {
  protocol?: string;
  portid?: string;
  state?: { state?: string };
  service?: XmlService;
}
interface XmlExtraPorts {
  state?: string;
  count?: string;
}
interface XmlHost {
  endtime?: string;
  address?: Array<{ addr?: string; addrtype?: string }>;
  ports?: { port?: XmlPort[]; extraports?: XmlExtraPorts[] };
}
interface XmlRun {
  nmaprun?: {
    start?: string;
    host?: XmlHost[];
    runstats?: { finished?: { time?: string; exit?: string; errormsg?: string } };
  };
}

const ARRAY_ELEMENTS = new Set(['host', 'port', 'extraports', 'address', 'hostname', 'cpe']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
});

function isoFromEpochSeconds(value: string | undefined): string | undefined {
  const seconds = Number(value);
  return value && Number.isFinite(seconds) && seconds > 0
    ? new Date(seconds * 1000).toISOString()
    : undefined;
}

/** nmap's port states reduced to ours: anything not plainly open or closed may hide a filter. */
function portStateOf(state: string | undefined): PortState {
  if (state === 'open') return 'open';
  if (state === 'closed') return 'closed';
  return 'filtered';
}

/**
 * Product, version and CPE of an nmap `<service>`: the CPE of nmap's `<cpe>`
 * (CPE 2.2 URI, rebound to a CPE 2.3 name; its vendor and product are what
 * matching keys on), a display name (a known id such as `openssh`, else
 * nmap's product name such as `libssh`) and the upstream version
 * (`7.2p2 Ubuntu 4ubuntu2.8` gives `7.2p2`; a MySQL greeting that is really
 * MariaDB gives `mariadb`). Without a `<cpe>`, a `name/version` product
 * (nmap's fallback for an unmatched `Server:` header) is split like a banner.
 */
export function identifyNmapService(
  service: XmlService | undefined,
): Pick<Observation, 'product' | 'version' | 'cpe'> {
  if (!service?.product) return {};
  const application = (service.cpe ?? [])
    .map((entry) => parseCpeUri(typeof entry === 'string' ? entry : (entry['#text'] ?? '')))
    .find((cpe) => cpe?.part === 'a');
  const known = canonicalProduct(service.product);
  let product: string = known ?? service.product.trim();
  let version: string | undefined;
  if ((known === 'mysql' || known === 'mariadb') && service.version) {
    const identified = identifyMysqlVersion(service.version);
    product = identified.product ?? product;
    version = identified.version;
  } else if (service.version) {
    version = normalizeVersion(service.version);
  } else if (!application) {
    const token = parseProductToken(service.product);
    if (token) {
      product = canonicalProduct(token.product) ?? token.product;
      version = token.version;
    }
  }
  const cpe = application ? formatCpe23(application) : cpeForProduct(product, version);
  return {
    product,
    ...(version && { version }),
    ...(cpe && { cpe }),
  };
}

/** nmap keeps no raw banner; its version line is the closest thing and keeps the distribution suffix. */
function describeService(service: XmlService | undefined): string | undefined {
  if (!service) return undefined;
  const parts = [service.product, service.version, service.extrainfo && `(${service.extrainfo})`];
  const text = parts.filter((part) => part && part.trim().length > 0).join(' ');
  return text.length > 0 ? text.slice(0, MAX_BANNER_LENGTH) : undefined;
}

/**
 * Parses `nmap -oX` output into observations of open TCP ports and per-host
 * counts; closed and filtered counts include nmap's `<extraports>` totals.
 */
export function parseNmapXml(
  xml: string,
  observedAtFallback = new Date().toISOString(),
): NmapReport {
  const document = parser.parse(xml) as XmlRun;
  const run = document.nmaprun;
  if (!run) throw new Error('not an nmap XML report: no <nmaprun> element');
  const finished = run.runstats?.finished;
  const finishedAt = isoFromEpochSeconds(finished?.time);
  const hosts: NmapHostReport[] = [];

  for (const host of run.host ?? []) {
    const address = host.address?.find(
      (entry) => entry.addrtype === 'ipv4' || entry.addrtype === 'ipv6',
    )?.addr;
    if (!address) continue;
    const observedAt = isoFromEpochSeconds(host.endtime) ?? finishedAt ?? observedAtFallback;
    const counts = { open: 0, closed: 0, filtered: 0 };
    const observations: Observation[] = [];

    for (const extra of host.ports?.extraports ?? []) {
      const count = Number(extra.count);
      if (Number.isInteger(count) && count > 0) counts[portStateOf(extra.state)] += count;
    }
    for (const port of host.ports?.port ?? []) {
      const number = Number(port.portid);
      if (port.protocol !== 'tcp' || !Number.isInteger(number) || number < 1 || number > 65535)
        continue;
      const state = portStateOf(port.state?.state);
      counts[state] += 1;
      if (state !== 'open') continue;
      const name = port.service?.name;
      const service = name && port.service?.tunnel ? `${port.service.tunnel}/${name}` : name;
      const banner = describeService(port.service);
      observations.push({
        host: address,
        port: number,
        protocol: 'tcp',
        state: 'open',
        ...(service && { service }),
        ...identifyNmapService(port.service),
        ...(banner && { banner }),
        engine: 'nmap',
        observedAt,
      });
    }
    observations.sort((left, right) => left.port - right.port);
    hosts.push({
      address,
      summary: { host: address, reachable: counts.open + counts.closed > 0, ...counts },
      observations,
    });
  }

  const startedAt = isoFromEpochSeconds(run.start);
  return {
    hosts,
    ...(startedAt && { startedAt }),
    ...(finishedAt && { finishedAt }),
    ...(finished?.exit === 'error' && {
      errorMessage: finished.errormsg ?? 'nmap reported an error',
    }),
  };
}
