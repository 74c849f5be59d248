import { parseAddress } from './address-intervals.js';
import { hostCves, type HostRecord } from './host-inventory.js';

/**
 * One term of a host search. Terms are separated by spaces and must all match:
 * an address (`127.10.0.5`), a network (`127.10.0.0/24`), a port (`22` or
 * `port:22`), or text matched against hostnames, services, products,
 * versions, banners and CVE ids (`exim`, `openssh 7.2`).
 */
export type HostSearchTerm =
  | { kind: 'address'; family: 4 | 6; value: bigint }
  | { kind: 'network'; family: 4 | 6; first: bigint; last: bigint }
  | { kind: 'port'; port: number }
  | { kind: 'text'; text: string };

export function parseHostSearch(query: string): HostSearchTerm[] {
  return query
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((token): HostSearchTerm => {
      const port = /^(?:port:)?(\d{1,5})$/i.exec(token);
      if (port && Number(port[1]) >= 1 && Number(port[1]) <= 65535 && !token.includes('.'))
        return { kind: 'port', port: Number(port[1]) };
      const slash = token.indexOf('/');
      if (slash > 0) {
        const base = parseAddress(token.slice(0, slash));
        const prefix = Number(token.slice(slash + 1));
        const bits = base?.family === 4 ? 32 : 128;
        if (base && Number.isInteger(prefix) && prefix >= 0 && prefix <= bits) {
          const size = 1n << BigInt(bits - prefix);
          const first = (base.value / size) * size;
          return { kind: 'network', family: base.family, first, last: first + size - 1n };
        }
      }
      const address = parseAddress(token);
      if (address) return { kind: 'address', ...address };
      return { kind: 'text', text: token.toLowerCase() };
    });
}

function matchesTerm(host: HostRecord, term: HostSearchTerm): boolean {
  switch (term.kind) {
    case 'address': {
      const value = parseAddress(host.address);
      return value?.family === term.family && value.value === term.value;
    }
    case 'network': {
      const value = parseAddress(host.address);
      return value?.family === term.family && value.value >= term.first && value.value <= term.last;
    }
    case 'port':
      return host.ports.some((port) => port.port === term.port);
    case 'text': {
      const texts = [
        ...host.hostnames,
        ...host.ports.flatMap((port) => [
          port.service,
          port.product,
          port.version,
          port.banner,
          ...port.cves.map((cve) => cve.cve),
        ]),
      ];
      return texts.some((text) => text?.toLowerCase().includes(term.text));
    }
  }
}

/** The hosts every term matches (an empty query matches every host). */
export function searchHosts<Host extends HostRecord>(
  hosts: readonly Host[],
  query: string,
): Host[] {
  const terms = parseHostSearch(query);
  if (terms.length === 0) return [...hosts];
  return hosts.filter((host) => terms.every((term) => matchesTerm(host, term)));
}

/**
 * Whether a query names hosts: an address, a network or an explicit `port:N`.
 * A bare number is not enough here: in a threat search it is more likely part
 * of a CVE id or a summary than a port.
 */
export function namesHosts(query: string): boolean {
  const tokens = query.trim().split(/\s+/).filter(Boolean);
  return parseHostSearch(query).some(
    (term, index) =>
      term.kind === 'address' ||
      term.kind === 'network' ||
      (term.kind === 'port' && /^port:/i.test(tokens[index] ?? '')),
  );
}

/**
 * The CVEs present on the hosts a query names: what a threat search for an
 * address, a network or a port should list. Undefined when the query names
 * no host (a plain text search is matched against the threats themselves).
 */
export function cvesOnHostsMatching(
  hosts: readonly HostRecord[],
  query: string,
): Set<string> | undefined {
  if (!namesHosts(query)) return undefined;
  return new Set(searchHosts(hosts, query).flatMap((host) => hostCves(host).map((cve) => cve.cve)));
}
