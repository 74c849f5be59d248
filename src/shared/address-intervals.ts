/**
 * IPv4 and IPv6 addresses and inclusive intervals of them: parsing and
 * formatting literals, and the interval algebra (merge, subtract, intersect,
 * cover) that target lists (target-spec.ts) and scopes (scope.ts) are built on.
 * Pure; no campaign notions here.
 */

export type AddressFamily = 4 | 6;

/** Inclusive range of IPv4 addresses as 32-bit unsigned numbers. */
export interface Ipv4Interval {
  first: number;
  last: number;
}

/** Inclusive range of IPv6 addresses as 128-bit unsigned bigints. */
export interface Ipv6Interval {
  first: bigint;
  last: bigint;
}

/** Inclusive range of addresses of one family; both families in bigint, for the set algebra. */
export interface AddressInterval {
  family: AddressFamily;
  first: bigint;
  last: bigint;
}

export const IPV4_BITS = 32;
export const IPV6_BITS = 128;

/** A sub-parser's answer: the value, or why the text is not one. */
export type Parsed<T> = { value: T } | { reason: string };

/* ----------------------------------------------------------------------------
 * Address literals
 * ------------------------------------------------------------------------- */

/** Dotted-quad IPv4 to a 32-bit number; leading zeros refused because some tools read them as octal. */
export function parseIpv4(text: string): Parsed<number> {
  const octets = text.split('.');
  if (octets.length !== 4) return { reason: 'IPv4 address needs 4 octets' };
  let value = 0;
  for (const octet of octets) {
    if (!/^\d+$/.test(octet)) return { reason: 'IPv4 address needs 4 octets' };
    if (octet.length > 3 || Number(octet) > 255) return { reason: 'octet out of range' };
    if (octet.length > 1 && octet.startsWith('0')) return { reason: 'octet has a leading zero' };
    value = value * 256 + Number(octet);
  }
  return { value };
}

export function formatIpv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

const INVALID_IPV6 = 'not a valid IPv6 address';

function parseIpv6Groups(text: string, allowEmbeddedIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const pieces = text.split(':');
  for (const [index, piece] of pieces.entries()) {
    if (allowEmbeddedIpv4 && index === pieces.length - 1 && piece.includes('.')) {
      const embedded = parseIpv4(piece);
      if (!('value' in embedded)) return undefined;
      groups.push(embedded.value >>> 16, embedded.value & 0xffff);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
      groups.push(Number.parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** RFC 4291 text form (with `::` and an optional trailing dotted quad) to a 128-bit bigint. */
export function parseIpv6(text: string): Parsed<bigint> {
  if (text.includes('%')) return { reason: 'IPv6 zone ids are not supported' };
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return { reason: INVALID_IPV6 };
  const halves = text.split('::');
  if (halves.length > 2) return { reason: INVALID_IPV6 };
  let groups: number[];
  if (halves.length === 2) {
    const head = parseIpv6Groups(halves[0] ?? '', false);
    const tail = parseIpv6Groups(halves[1] ?? '', true);
    if (head === undefined || tail === undefined) return { reason: INVALID_IPV6 };
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return { reason: INVALID_IPV6 };
    groups = [...head, ...Array<number>(missing).fill(0), ...tail];
  } else {
    const all = parseIpv6Groups(text, true);
    if (all === undefined || all.length !== 8) return { reason: INVALID_IPV6 };
    groups = all;
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return { value };
}

/** RFC 5952 canonical text: lower case, longest run (>= 2) of zero groups compressed, leftmost on ties. */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start += 1;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end += 1;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** A single address literal of either family, as used after hostname resolution. */
export function parseAddress(text: string): { family: AddressFamily; value: bigint } | undefined {
  if (text.includes(':')) {
    const parsed = parseIpv6(text);
    return 'value' in parsed ? { family: 6, value: parsed.value } : undefined;
  }
  const parsed = parseIpv4(text);
  return 'value' in parsed ? { family: 4, value: BigInt(parsed.value) } : undefined;
}

/**
 * Parsed addresses for compareAddresses (null: not an address). A sort
 * compares each item about log2(n) times, and parsing on every comparison made
 * sorting 4,096 hosts (a report, the inventory) take ~47 ms; 3 ms with this.
 * Bounded (cleared when full, ~2-3 MB at most), since the host lives long.
 */
const sortKeys = new Map<string, { family: AddressFamily; value: bigint } | null>();
const MAX_SORT_KEYS = 16_384;

function sortKeyOf(address: string): { family: AddressFamily; value: bigint } | null {
  let key = sortKeys.get(address);
  if (key === undefined) {
    if (sortKeys.size >= MAX_SORT_KEYS) sortKeys.clear();
    key = parseAddress(address) ?? null;
    sortKeys.set(address, key);
  }
  return key;
}

/** Addresses in numeric order (IPv4 before IPv6; 127.0.0.9 before 127.0.0.10); text order for anything else. */
export function compareAddresses(left: string, right: string): number {
  const leftValue = sortKeyOf(left);
  const rightValue = sortKeyOf(right);
  if (leftValue && rightValue) {
    if (leftValue.family !== rightValue.family) return leftValue.family - rightValue.family;
    return leftValue.value < rightValue.value ? -1 : leftValue.value > rightValue.value ? 1 : 0;
  }
  return left.localeCompare(right);
}

export function formatAddress(family: AddressFamily, value: bigint): string {
  return family === 4 ? formatIpv4(Number(value)) : formatIpv6(value);
}

/* ----------------------------------------------------------------------------
 * Interval algebra (both families in bigint; parse-time only)
 * ------------------------------------------------------------------------- */

function compareIntervals(left: AddressInterval, right: AddressInterval): number {
  if (left.family !== right.family) return left.family - right.family;
  return left.first < right.first ? -1 : left.first > right.first ? 1 : 0;
}

/** Sorts by family then start, joining overlapping and adjacent intervals. */
export function mergeIntervals(intervals: readonly AddressInterval[]): AddressInterval[] {
  const sorted = [...intervals].sort(compareIntervals);
  const merged: AddressInterval[] = [];
  for (const interval of sorted) {
    const previous = merged.at(-1);
    if (
      previous !== undefined &&
      previous.family === interval.family &&
      interval.first <= previous.last + 1n
    ) {
      if (interval.last > previous.last) previous.last = interval.last;
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}

/** `kept` minus `removed`; both merged as {@link mergeIntervals} returns them. */
export function subtractIntervals(
  kept: readonly AddressInterval[],
  removed: readonly AddressInterval[],
): AddressInterval[] {
  const result: AddressInterval[] = [];
  let removedIndex = 0;
  for (const interval of kept) {
    // Both lists ascend, so a cut ending before this interval also ends before every later one.
    while (removedIndex < removed.length) {
      const cut = removed[removedIndex]!;
      if (
        cut.family > interval.family ||
        (cut.family === interval.family && cut.last >= interval.first)
      )
        break;
      removedIndex += 1;
    }
    let first = interval.first;
    for (let cursor = removedIndex; first <= interval.last; cursor += 1) {
      const cut = removed[cursor];
      if (cut === undefined || cut.family !== interval.family || cut.first > interval.last) {
        result.push({ family: interval.family, first, last: interval.last });
        break;
      }
      if (cut.first > first) result.push({ family: interval.family, first, last: cut.first - 1n });
      if (cut.last + 1n > first) first = cut.last + 1n;
    }
  }
  return result;
}

/** Index of the first interval of `family` whose end is at or after `value` (merged input). */
function firstEndingAtOrAfter(
  merged: readonly AddressInterval[],
  family: AddressFamily,
  value: bigint,
): number {
  let low = 0;
  let high = merged.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const interval = merged[middle]!;
    if (interval.family < family || (interval.family === family && interval.last < value))
      low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The parts of `interval` that lie inside `merged`. */
export function intersectInterval(
  merged: readonly AddressInterval[],
  interval: AddressInterval,
): AddressInterval[] {
  const parts: AddressInterval[] = [];
  for (let index = firstEndingAtOrAfter(merged, interval.family, interval.first); ; index += 1) {
    const candidate = merged[index];
    if (
      candidate === undefined ||
      candidate.family !== interval.family ||
      candidate.first > interval.last
    )
      break;
    parts.push({
      family: interval.family,
      first: candidate.first > interval.first ? candidate.first : interval.first,
      last: candidate.last < interval.last ? candidate.last : interval.last,
    });
  }
  return parts;
}

/** Whether every address of `interval` lies inside `merged` (merged joins adjacent ranges, so one suffices). */
export function coversInterval(
  merged: readonly AddressInterval[],
  interval: AddressInterval,
): boolean {
  const candidate = merged[firstEndingAtOrAfter(merged, interval.family, interval.first)];
  return (
    candidate !== undefined &&
    candidate.family === interval.family &&
    candidate.first <= interval.first &&
    candidate.last >= interval.last
  );
}

export function intervalSize(interval: { first: bigint; last: bigint }): bigint {
  return interval.last - interval.first + 1n;
}

/** `first-last` as a CIDR when it is exactly one aligned block, a single address, or a full range. */
export function formatInterval(interval: AddressInterval): string {
  const first = formatAddress(interval.family, interval.first);
  if (interval.first === interval.last) return first;
  const size = intervalSize(interval);
  const bits = interval.family === 4 ? IPV4_BITS : IPV6_BITS;
  const isPowerOfTwo = (size & (size - 1n)) === 0n;
  if (isPowerOfTwo && (interval.first & (size - 1n)) === 0n) {
    return `${first}/${bits - (size.toString(2).length - 1)}`;
  }
  return `${first}-${formatAddress(interval.family, interval.last)}`;
}

/**
 * A list of addresses written as few ranges as it allows (`127.80.0.0/24,
 * 127.80.1.0-127.80.1.9, 10.0.0.7`), in address order; anything that is not
 * an address literal is kept as it is, after them.
 */
export function summarizeAddresses(addresses: readonly string[]): string {
  const intervals: AddressInterval[] = [];
  const others = new Set<string>();
  for (const text of addresses) {
    const address = parseAddress(text);
    if (address)
      intervals.push({ family: address.family, first: address.value, last: address.value });
    else others.add(text);
  }
  return [...mergeIntervals(intervals).map(formatInterval), ...others].join(', ');
}
