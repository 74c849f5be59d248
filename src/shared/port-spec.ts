import {
  type ParseResult,
  IssueCollector,
  fieldIssue,
  tokenIssue,
  tokenizeInput,
} from './input-error';
import { TOP_1000_TCP_PORTS, TOP_100_TCP_PORTS } from './port-presets';

/**
 * TCP port lists: `22,80,8000-8100`, named presets like nmap's, `#` comments,
 * commas or whitespace between entries. Parsed form: sorted unique numbers.
 */

export const MIN_PORT = 1;
export const MAX_PORT = 65_535;

/**
 * Named presets an analyst may type among the ports; the lists come from
 * nmap's frequency data. A Map, not an object: `__proto__` must not be a preset.
 */
export const PORT_PRESETS: ReadonlyMap<string, readonly number[]> = new Map([
  ['top-100', TOP_100_TCP_PORTS],
  ['top-1000', TOP_1000_TCP_PORTS],
]);

function parsePortNumber(text: string): { value: number } | { reason: string } {
  if (!/^\d+$/.test(text)) return { reason: 'not a port' };
  // Compare digits before converting: "99999999999999999999" must not round to something in range.
  const value = text.length > 5 ? Number.POSITIVE_INFINITY : Number(text);
  if (value < MIN_PORT || value > MAX_PORT) return { reason: 'port out of range' };
  return { value };
}

function parsePortToken(
  token: string,
): { ports: readonly number[] } | { first: number; last: number } | { reason: string } {
  // A leading `-` is refused outright: `-oN` or nmap's `-100` would reach nmap as something else.
  if (token.startsWith('-')) return { reason: 'not a port' };
  const preset = PORT_PRESETS.get(token.toLowerCase());
  if (preset !== undefined) return { ports: preset };
  const dash = token.indexOf('-');
  if (dash === -1) {
    const port = parsePortNumber(token);
    return 'reason' in port ? port : { first: port.value, last: port.value };
  }
  const endText = token.slice(dash + 1);
  if (endText === '') return { reason: 'range end is missing' };
  const start = parsePortNumber(token.slice(0, dash));
  if ('reason' in start) return start;
  const end = parsePortNumber(endText);
  if ('reason' in end) return end;
  if (end.value < start.value) return { reason: 'range start is after its end' };
  return { first: start.value, last: end.value };
}

/** Sorted unique ports, or every issue (naming the token and its line). */
export function parsePorts(text: string): ParseResult<number[]> {
  const collector = new IssueCollector();
  const ranges: { first: number; last: number }[] = [];
  const presetsSeen = new Set<readonly number[]>();
  for (const { token, line } of tokenizeInput(text)) {
    if (collector.full) break;
    const parsed = parsePortToken(token);
    if ('reason' in parsed) collector.add(tokenIssue('ports', token, line, parsed.reason));
    else if ('ports' in parsed) {
      // A preset typed many times is expanded once, so a pasted list stays cheap.
      if (presetsSeen.has(parsed.ports)) continue;
      presetsSeen.add(parsed.ports);
      for (const port of parsed.ports) ranges.push({ first: port, last: port });
    } else ranges.push(parsed);
  }
  if (collector.issues.length > 0) return { ok: false, issues: collector.issues };
  if (ranges.length === 0)
    return { ok: false, issues: [fieldIssue('ports', 'at least one port is required')] };
  ranges.sort((left, right) => left.first - right.first);
  const ports: number[] = [];
  for (const { first, last } of ranges) {
    // Ranges ascend by start, so only the part past the last emitted port is new.
    for (let port = Math.max(first, (ports.at(-1) ?? 0) + 1); port <= last; port += 1)
      ports.push(port);
  }
  return { ok: true, value: ports };
}

/** Compact form for nmap's `-p`: `22,80,8000-8100`. Accepts any order and duplicates. */
export function formatPorts(ports: readonly number[]): string {
  const sorted = [...new Set(ports)].sort((left, right) => left - right);
  const parts: string[] = [];
  for (let index = 0; index < sorted.length; ) {
    const first = sorted[index]!;
    let last = first;
    while (sorted[index + 1] === last + 1) {
      last += 1;
      index += 1;
    }
    index += 1;
    parts.push(first === last ? `${first}` : `${first}-${last}`);
  }
  return parts.join(',');
}
