import { isIP } from 'node:net';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { HostSummary, Observation } from '../../shared/observation.js';
import { identifyNmapService } from '../engines/nmap-xml.js';

/**
 * Reads an nmap (`-oX`) or masscan (`-oX`) XML file for import, checking it
 * the way /usr/share/nmap/nmap.dtd describes it: the elements this import
 * reads must sit where the DTD puts them, with their required attributes and
 * well-formed values. Anything else (a truncated file, a broken attribute, a
 * DOCTYPE that declares entities or points at an external DTD) refuses the
 * whole file with the line, column and element of the first problem, so
 * nothing is ever half-imported.
 *
 * saxes never expands entities beyond XML's five predefined ones and
 * character references, so an entity bomb or an external entity (XXE) could
 * not work anyway; such documents are refused before their first reference.
 */

export class NmapImportError extends Error {}

export interface ImportedScan {
  scanner: 'nmap' | 'masscan';
  scannerVersion?: string;
  /** The command line that produced the file (`<nmaprun args>`), when it says. */
  commandLine?: string;
  /** ISO-8601, from `<nmaprun start>`. */
  startedAt?: string;
  /** ISO-8601, from `<runstats><finished time>`. */
  finishedAt?: string;
  /** Per host, in file order; open/closed/filtered include `<extraports>` counts. */
  hosts: HostSummary[];
  /** Open TCP ports. */
  observations: Observation[];
  /** Ports of other protocols (UDP, SCTP) that this TCP-only model leaves out. */
  skippedNonTcpPorts: number;
}

/** Which children nmap.dtd allows in the elements this import interprets. */
const ALLOWED_CHILDREN: Record<string, ReadonlySet<string>> = {
  nmaprun: new Set([
    'scaninfo',
    'verbose',
    'debugging',
    'target',
    'taskbegin',
    'taskprogress',
    'taskend',
    'hosthint',
    'prescript',
    'postscript',
    'host',
    'output',
    'runstats',
  ]),
  host: new Set([
    'status',
    'address',
    'hostnames',
    'smurf',
    'ports',
    'os',
    'distance',
    'uptime',
    'tcpsequence',
    'ipidsequence',
    'tcptssequence',
    'hostscript',
    'trace',
    'times',
  ]),
  hostnames: new Set(['hostname']),
  ports: new Set(['extraports', 'port']),
  extraports: new Set(['extrareasons']),
  port: new Set(['state', 'owner', 'service', 'script']),
  service: new Set(['cpe']),
  runstats: new Set(['finished', 'hosts']),
};

const EMPTY_ELEMENTS = new Set([
  'scaninfo',
  'verbose',
  'debugging',
  'status',
  'address',
  'hostname',
  'state',
  'finished',
  'hosts',
]);

const HOST_STATES = new Set(['up', 'down', 'unknown', 'skipped']);
const PROTOCOLS = new Set(['ip', 'tcp', 'udp', 'sctp']);
const ADDRESS_TYPES = new Set(['ipv4', 'ipv6', 'mac']);
const MAX_ATTRIBUTE_LENGTH = 8192;
const MAX_DEPTH = 64;
const MAX_BANNER_LENGTH = 1024;

interface HostDraft {
  address?: string;
  hostname?: string;
  state?: string;
  counts: { open: number; closed: number; filtered: number };
  endtime?: string;
  ports: PortDraft[];
}

interface PortDraft {
  protocol: string;
  port: number;
  state?: string;
  service?: {
    name?: string;
    product?: string;
    version?: string;
    extrainfo?: string;
    tunnel?: string;
  };
  cpes: string[];
}

function isoFromEpochSeconds(value: string | undefined): string | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value)) return undefined;
  const seconds = Number(value);
  return seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}

/** nmap's port states reduced to ours: anything not plainly open or closed may hide a filter. */
function countState(state: string): 'open' | 'closed' | 'filtered' {
  if (state === 'open') return 'open';
  if (state === 'closed') return 'closed';
  return 'filtered';
}

function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control bytes from scanned hosts are exactly what is replaced
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '.');
}

export function parseNmapXmlForImport(xml: string): ImportedScan {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: string[] = [];
  let scan: Omit<ImportedScan, 'hosts' | 'observations' | 'skippedNonTcpPorts'> | undefined;
  let sawRunstats = false;
  let host: HostDraft | undefined;
  let port: PortDraft | undefined;
  let cpeText: string | undefined;
  const hosts = new Map<string, HostDraft>();
  let skippedNonTcpPorts = 0;

  const fail = (message: string): never => {
    const element = currentElement();
    throw new NmapImportError(
      `line ${parser.line}, column ${parser.column}: ${element}: ${message}`,
    );
  };
  const required = (tag: SaxesTagPlain, name: string): string => {
    const value = tag.attributes[name];
    if (value === undefined) fail(`missing required attribute "${name}"`);
    return value!;
  };

  parser.on('doctype', (doctype) => {
    // nmap writes `<!DOCTYPE nmaprun>`; anything more (an internal subset with
    // ENTITY declarations, SYSTEM or PUBLIC identifiers) is refused outright.
    if (!/^\s*nmaprun\s*$/.test(doctype))
      fail(
        /ENTITY/i.test(doctype)
          ? 'DOCTYPE declares entities (entity expansion and external entities are refused)'
          : `DOCTYPE "${doctype.trim().slice(0, 80)}" is not nmap's (<!DOCTYPE nmaprun>)`,
      );
  });

  // The tag being read (its name is known before its attributes are): a file cut inside it names it.
  let openingTag: string | undefined;
  const currentElement = () =>
    openingTag !== undefined
      ? `<${openingTag}>`
      : stack.length
        ? `<${stack[stack.length - 1]}>`
        : 'document';
  parser.on('opentagstart', (tag) => {
    openingTag = tag.name;
  });

  parser.on('opentag', (tag) => {
    openingTag = undefined;
    const element = tag as SaxesTagPlain;
    const name = element.name;
    const parent = stack[stack.length - 1];
    stack.push(name);
    if (stack.length > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} elements`);
    for (const [attribute, value] of Object.entries(element.attributes))
      if (value.length > MAX_ATTRIBUTE_LENGTH)
        fail(`attribute "${attribute}" is longer than ${MAX_ATTRIBUTE_LENGTH} characters`);

    if (parent === undefined) {
      if (name !== 'nmaprun') fail('the root element must be <nmaprun>');
      const scanner = required(element, 'scanner');
      if (scanner !== 'nmap' && scanner !== 'masscan')
        fail(`scanner "${scanner}" is neither nmap nor masscan`);
      if (scanner === 'nmap') {
        required(element, 'version');
        required(element, 'xmloutputversion');
      }
      scan = {
        scanner: scanner as 'nmap' | 'masscan',
        ...(element.attributes.version && { scannerVersion: element.attributes.version }),
        ...(element.attributes.args && { commandLine: element.attributes.args }),
        ...optionalTime('startedAt', element.attributes.start),
      };
      return;
    }
    if (EMPTY_ELEMENTS.has(parent)) fail(`<${parent}> must be empty, found <${name}>`);
    const allowed = ALLOWED_CHILDREN[parent];
    if (allowed && !allowed.has(name)) fail(`<${name}> is not allowed in <${parent}> (nmap.dtd)`);

    switch (name) {
      case 'host':
        if (parent !== 'nmaprun') return;
        host = {
          counts: { open: 0, closed: 0, filtered: 0 },
          ports: [],
          ...(element.attributes.endtime && { endtime: element.attributes.endtime }),
        };
        return;
      case 'status':
        if (parent !== 'host') return;
        host!.state = required(element, 'state');
        if (!HOST_STATES.has(host!.state))
          fail(`state "${host!.state}" is not one of up, down, unknown, skipped`);
        return;
      case 'address': {
        if (parent !== 'host') return;
        const addr = required(element, 'addr');
        const type = element.attributes.addrtype ?? 'ipv4';
        if (!ADDRESS_TYPES.has(type)) fail(`addrtype "${type}" is not one of ipv4, ipv6, mac`);
        if (type === 'mac') return;
        if (isIP(addr) !== (type === 'ipv4' ? 4 : 6))
          fail(`addr "${addr}" is not an ${type} address`);
        host!.address ??= addr;
        return;
      }
      case 'hostname':
        if (stack[stack.length - 3] === 'host' && element.attributes.name)
          host!.hostname ??= element.attributes.name;
        return;
      case 'extraports': {
        if (parent !== 'ports' || !host) return;
        const state = required(element, 'state');
        const count = required(element, 'count');
        if (!/^\d{1,6}$/.test(count)) fail(`count "${count}" is not a port count`);
        host!.counts[countState(state)] += Number(count);
        return;
      }
      case 'port': {
        if (parent !== 'ports' || !host) return;
        const protocol = required(element, 'protocol');
        if (!PROTOCOLS.has(protocol))
          fail(`protocol "${protocol}" is not one of ip, tcp, udp, sctp`);
        const portid = required(element, 'portid');
        const number = Number(portid);
        if (!/^\d{1,5}$/.test(portid) || number < (protocol === 'ip' ? 0 : 1) || number > 65535)
          fail(`portid "${portid}" is not a port number`);
        port = { protocol, port: number, cpes: [] };
        return;
      }
      case 'state':
        if (parent !== 'port' || !port) return;
        required(element, 'reason');
        port!.state = required(element, 'state');
        if (!/^[a-z|]+$/.test(port!.state)) fail(`state "${port!.state}" is not a port state`);
        return;
      case 'service': {
        if (parent !== 'port' || !port) return;
        const serviceName = required(element, 'name');
        const conf = element.attributes.conf;
        if (conf !== undefined && !/^(10|\d)$/.test(conf)) fail(`conf "${conf}" is not 0-10`);
        const method = element.attributes.method;
        if (method !== undefined && method !== 'table' && method !== 'probed')
          fail(`method "${method}" is not table or probed`);
        const { product, version, extrainfo, tunnel } = element.attributes;
        port!.service = { name: serviceName, product, version, extrainfo, tunnel };
        return;
      }
      case 'cpe':
        if (parent === 'service' && port) cpeText = '';
        return;
      case 'runstats':
        sawRunstats = true;
        return;
      case 'finished': {
        if (parent !== 'runstats') return;
        const time = required(element, 'time');
        required(element, 'elapsed');
        const finishedAt = isoFromEpochSeconds(time);
        if (!finishedAt) fail(`time "${time}" is not a time in seconds`);
        if (element.attributes.exit === 'error')
          fail(`the scan ended with an error: ${element.attributes.errormsg ?? 'no message'}`);
        scan!.finishedAt = finishedAt;
        return;
      }
    }
  });

  parser.on('text', (text) => {
    if (cpeText !== undefined) cpeText += text;
  });

  parser.on('closetag', (tag) => {
    const name = tag.name;
    if (name === 'cpe' && cpeText !== undefined) {
      if (port) port.cpes.push(cpeText.trim());
      cpeText = undefined;
    } else if (name === 'port' && port && host && stack[stack.length - 2] === 'ports') {
      if (port.state === undefined) fail('<port> has no <state>');
      host.ports.push(port);
      port = undefined;
    } else if (name === 'host' && host && stack[stack.length - 2] === 'nmaprun') {
      if (!host.address) fail('<host> has no IPv4 or IPv6 <address>');
      if (scan!.scanner === 'nmap' && host.state === undefined) fail('<host> has no <status>');
      const merged = hosts.get(host.address!);
      if (merged) {
        // masscan writes one <host> per open port: merge them by address.
        merged.ports.push(...host.ports);
        for (const state of ['open', 'closed', 'filtered'] as const)
          merged.counts[state] += host.counts[state];
      } else hosts.set(host.address!, host);
      host = undefined;
    }
    stack.pop();
  });

  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof NmapImportError) throw error;
    // saxes reports `line:column: message`; name the element it was in.
    const message = (error as Error).message
      .replace(/^(\d+):(\d+):\s*/, 'line $1, column $2: ')
      .replace(/(unexpected end\.?|unclosed tag: \S+)$/, '$1 (the file is truncated)');
    const element = currentElement();
    throw new NmapImportError(
      `${message.startsWith('line') ? message.replace(/: /, `: ${element}: `) : message}`,
    );
  }
  if (!scan) throw new NmapImportError('line 1, column 1: document: no <nmaprun> element');
  if (!sawRunstats)
    throw new NmapImportError(
      `line ${parser.line}, column ${parser.column}: <nmaprun>: no <runstats> (the scan did not finish)`,
    );

  const summaries: HostSummary[] = [];
  const observations: Observation[] = [];
  const fallbackTime = scan.finishedAt ?? scan.startedAt ?? new Date(0).toISOString();
  for (const draft of hosts.values()) {
    const address = draft.address!;
    const observedAt = isoFromEpochSeconds(draft.endtime) ?? fallbackTime;
    const counts = { ...draft.counts };
    const seen = new Set<number>();
    for (const entry of draft.ports.sort((left, right) => left.port - right.port)) {
      if (entry.protocol !== 'tcp') {
        skippedNonTcpPorts += 1;
        continue;
      }
      if (seen.has(entry.port)) continue;
      seen.add(entry.port);
      const state = countState(entry.state!);
      counts[state] += 1;
      if (state !== 'open') continue;
      const service = entry.service;
      const serviceName =
        service?.name && service.tunnel ? `${service.tunnel}/${service.name}` : service?.name;
      const bannerText = [
        service?.product,
        service?.version,
        service?.extrainfo && `(${service.extrainfo})`,
      ]
        .filter((part) => part && part.trim())
        .join(' ');
      observations.push({
        host: address,
        ...(draft.hostname && { hostname: draft.hostname }),
        port: entry.port,
        protocol: 'tcp',
        state: 'open',
        ...(serviceName && { service: printable(serviceName).slice(0, 64) }),
        ...identifyNmapService(service),
        ...(bannerText && { banner: printable(bannerText).slice(0, MAX_BANNER_LENGTH) }),
        engine: 'nmap',
        observedAt,
      });
    }
    summaries.push({
      host: address,
      ...(draft.hostname && { hostname: draft.hostname }),
      reachable: draft.state === 'up' || counts.open + counts.closed > 0,
      ...counts,
    });
  }
  return { ...scan, hosts: summaries, observations, skippedNonTcpPorts };
}

function optionalTime(key: 'startedAt', value: string | undefined): { startedAt?: string } {
  const time = isoFromEpochSeconds(value);
  return time ? { [key]: time } : {};
}
