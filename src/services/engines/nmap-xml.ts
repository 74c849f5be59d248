import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
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
  /** Open ports only, by port number. */
  observations: Observation[];
}

/** What nmap says about the run as a whole (`<nmaprun>` and `<runstats>`). */
export interface NmapRunSummary {
  /** ISO-8601, from `<nmaprun start>`. */
  startedAt?: string;
  /** ISO-8601, from `<runstats><finished time>`. */
  finishedAt?: string;
  /** `<finished exit="error" errormsg>`: nmap gave up part-way. */
  errorMessage?: string;
}

export interface NmapReport extends NmapRunSummary {
  hosts: NmapHostReport[];
}

/** An nmap `<service>` element: its attributes and `<cpe>` texts. */
export interface NmapService {
  name?: string;
  product?: string;
  version?: string;
  extrainfo?: string;
  tunnel?: string;
  /** CPE 2.2 URIs, `cpe:/a:openbsd:openssh:7.2p2`, application first as nmap writes them. */
  cpe?: string[];
}

/** nmap's output is not the XML it should be (cut short, malformed, or not an nmap report at all). */
export class NmapXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NmapXmlError';
  }
}

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
 * nmap escapes every control byte of what a service said as a character
 * reference (`&#x1;`), which the parser decodes; they are shown as `\xNN`
 * (as banners are, see printableBanner) so none reaches a terminal raw.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
function printable(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.replace(
    CONTROL_CHARACTERS,
    (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
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
  service: NmapService | undefined,
): Pick<Observation, 'product' | 'version' | 'cpe'> {
  if (!service?.product) return {};
  const application = (service.cpe ?? [])
    .map((entry) => parseCpeUri(entry))
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
function describeService(service: NmapService | undefined): string | undefined {
  if (!service) return undefined;
  const parts = [service.product, service.version, service.extrainfo && `(${service.extrainfo})`];
  const text = parts.filter((part) => part && part.trim().length > 0).join(' ');
  return text.length > 0 ? text.slice(0, MAX_BANNER_LENGTH) : undefined;
}

/** A `<port>` as read so far. */
interface PortInProgress {
  protocol?: string;
  portid?: string;
  state?: string;
  service?: NmapService;
}

/** A `<host>` as read so far. */
interface HostInProgress {
  endtime?: string;
  address?: string;
  counts: { open: number; closed: number; filtered: number };
  ports: PortInProgress[];
}

export interface NmapXmlHandlers {
  /**
   * A host, as soon as nmap has printed its `</host>` (nmap prints a host
   * group's hosts together, when the group is done). A host without an
   * `endtime` is held back until the end: its observations take the run's
   * finishing time.
   */
  onHost?: (host: NmapHostReport) => void;
  /** `<taskprogress>` (with `--stats-every`): the percentage of `task` in the current host group. */
  onTaskProgress?: (task: string, percent: number) => void;
}

/**
 * nmap's `-oX` output read as it arrives, in chunks split anywhere (even
 * inside a tag or a UTF-8 character). Open TCP ports become observations,
 * closed and filtered ports per-host counts (with nmap's `<extraports>`
 * totals). Malformed or foreign XML throws an NmapXmlError naming where.
 *
 * The document is read as XML 1.1: nmap writes control bytes as character
 * references such as `&#x1;`, which XML 1.0 forbids. Entities other than
 * XML's five are refused, never expanded (no DTD is read).
 */
export class NmapXmlStream {
  private readonly parser = new SaxesParser({
    xmlns: false,
    forceXMLVersion: true,
    defaultXMLVersion: '1.1',
  } as const);
  private readonly decoder = new StringDecoder('utf8');
  private readonly run: {
    start?: string;
    finishedTime?: string;
    exit?: string;
    errormsg?: string;
  } = {};
  /** Element names from the root to the current element. */
  private readonly path: string[] = [];
  private host: HostInProgress | undefined;
  private port: PortInProgress | undefined;
  /** Text of the `<cpe>` being read. */
  private cpeText: string | undefined;
  private readonly heldBack: HostInProgress[] = [];
  private failure: NmapXmlError | undefined;
  private ended = false;

  constructor(
    private readonly handlers: NmapXmlHandlers = {},
    private readonly observedAtFallback = new Date().toISOString(),
  ) {
    this.parser.on('opentag', (tag) => this.open(tag));
    this.parser.on('closetag', (tag) => this.close(tag));
    this.parser.on('text', (text) => {
      if (this.cpeText !== undefined) this.cpeText += text;
    });
  }

  /** Reads the next piece of nmap's output. Throws an NmapXmlError (again on every later call) once the XML is wrong. */
  write(chunk: Buffer | string): void {
    if (this.failure) throw this.failure;
    this.feed(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  /** Ends the document and returns what nmap said about the run; throws an NmapXmlError when it was cut short. */
  end(): NmapRunSummary {
    if (this.failure) throw this.failure;
    if (!this.ended) {
      this.ended = true;
      this.feed(this.decoder.end());
      this.guard(() => this.parser.close());
    }
    const finishedAt = isoFromEpochSeconds(this.run.finishedTime);
    for (const host of this.heldBack.splice(0)) this.report(host, finishedAt);
    const startedAt = isoFromEpochSeconds(this.run.start);
    return {
      ...(startedAt && { startedAt }),
      ...(finishedAt && { finishedAt }),
      ...(this.run.exit === 'error' && {
        errorMessage: this.run.errormsg ?? 'nmap reported an error',
      }),
    };
  }

  private feed(text: string): void {
    // nmap escapes control bytes but writes DEL as is, which XML 1.1 allows only as a reference.
    const escaped = text.includes('\x7f') ? text.replaceAll('\x7f', '&#x7f;') : text;
    if (escaped) this.guard(() => this.parser.write(escaped));
  }

  private guard(parse: () => void): void {
    try {
      parse();
    } catch (error) {
      if (error instanceof NmapXmlError) this.failure = error;
      else {
        // saxes prefixes its message with `line:column: `.
        const detail = error instanceof Error ? error.message : String(error);
        const position = /^(\d+):(\d+): (.*)$/s.exec(detail);
        this.failure = new NmapXmlError(
          position
            ? `nmap's XML output is malformed (line ${position[1]}, column ${position[2]}): ${position[3]}`
            : `nmap's XML output is malformed: ${detail}`,
        );
      }
      throw this.failure;
    }
  }

  private open(tag: SaxesTagPlain): void {
    const { name, attributes } = tag;
    const parent = this.path[this.path.length - 1];
    this.path.push(name);
    if (parent === undefined) {
      if (name !== 'nmaprun') {
        throw new NmapXmlError(
          `not an nmap XML report: the root element is <${name}>, not <nmaprun>`,
        );
      }
      this.run.start = attributes.start;
      return;
    }
    switch (name) {
      case 'host':
        if (parent === 'nmaprun')
          this.host = {
            endtime: attributes.endtime,
            counts: { open: 0, closed: 0, filtered: 0 },
            ports: [],
          };
        break;
      case 'address':
        if (
          parent === 'host' &&
          this.host &&
          this.host.address === undefined &&
          (attributes.addrtype === 'ipv4' || attributes.addrtype === 'ipv6')
        )
          this.host.address = attributes.addr;
        break;
      case 'extraports':
        if (parent === 'ports' && this.host) {
          const count = Number(attributes.count);
          if (Number.isInteger(count) && count > 0)
            this.host.counts[portStateOf(attributes.state)] += count;
        }
        break;
      case 'port':
        if (parent === 'ports' && this.host) {
          this.port = { protocol: attributes.protocol, portid: attributes.portid };
          this.host.ports.push(this.port);
        }
        break;
      case 'state':
        if (parent === 'port' && this.port && this.port.state === undefined)
          this.port.state = attributes.state;
        break;
      case 'service':
        if (parent === 'port' && this.port && !this.port.service)
          this.port.service = {
            name: printable(attributes.name),
            product: printable(attributes.product),
            version: printable(attributes.version),
            extrainfo: printable(attributes.extrainfo),
            tunnel: printable(attributes.tunnel),
            cpe: [],
          };
        break;
      case 'cpe':
        if (parent === 'service' && this.port?.service) this.cpeText = '';
        break;
      case 'finished':
        if (parent === 'runstats') {
          this.run.finishedTime = attributes.time;
          this.run.exit = attributes.exit;
          this.run.errormsg = attributes.errormsg;
        }
        break;
      case 'taskprogress':
        if (parent === 'nmaprun' && attributes.task !== undefined) {
          const percent = Number(attributes.percent);
          if (Number.isFinite(percent)) this.handlers.onTaskProgress?.(attributes.task, percent);
        }
        break;
    }
  }

  private close(tag: SaxesTagPlain): void {
    this.path.pop();
    const parent = this.path[this.path.length - 1];
    switch (tag.name) {
      case 'cpe':
        if (parent === 'service' && this.cpeText !== undefined)
          this.port?.service?.cpe?.push(this.cpeText.trim());
        this.cpeText = undefined;
        break;
      case 'port':
        if (parent === 'ports') this.port = undefined;
        break;
      case 'host': {
        const host = this.host;
        if (parent !== 'nmaprun' || !host) break;
        this.host = undefined;
        if (isoFromEpochSeconds(host.endtime)) this.report(host, undefined);
        else this.heldBack.push(host);
        break;
      }
    }
  }

  private report(host: HostInProgress, finishedAt: string | undefined): void {
    const address = host.address;
    if (!address) return;
    const observedAt = isoFromEpochSeconds(host.endtime) ?? finishedAt ?? this.observedAtFallback;
    const counts = host.counts;
    const observations: Observation[] = [];
    for (const port of host.ports) {
      const number = Number(port.portid);
      if (port.protocol !== 'tcp' || !Number.isInteger(number) || number < 1 || number > 65535)
        continue;
      const state = portStateOf(port.state);
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
    this.handlers.onHost?.({
      address,
      summary: { host: address, reachable: counts.open + counts.closed > 0, ...counts },
      observations,
    });
  }
}

/** Parses a whole `nmap -oX` document (see NmapXmlStream). */
export function parseNmapXml(
  xml: string,
  observedAtFallback = new Date().toISOString(),
): NmapReport {
  const hosts: NmapHostReport[] = [];
  const stream = new NmapXmlStream({ onHost: (host) => hosts.push(host) }, observedAtFallback);
  stream.write(xml);
  return { hosts, ...stream.end() };
}
