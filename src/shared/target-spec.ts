import {
  type AddressFamily,
  type AddressInterval,
  IPV4_BITS,
  IPV6_BITS,
  type Ipv4Interval,
  type Ipv6Interval,
  type Parsed,
  formatInterval,
  formatIpv4,
  formatIpv6,
  intersectInterval,
  intervalSize,
  mergeIntervals,
  parseIpv4,
  parseIpv6,
  subtractIntervals,
} from './address-intervals';
import {
  type InputField,
  type InputIssue,
  type ParseResult,
  IssueCollector,
  fieldIssue,
  tokenIssue,
  tokenizeInput,
} from './input-error';

/**
 * Campaign targets: parsing, counting, and lazy expansion.
 *
 * The parsed form ({@link TargetSet}) is a list of sorted, merged, disjoint
 * address intervals per family (exclusions already subtracted) plus the
 * hostnames. The target order is: IPv4 ascending, then IPv6 ascending, then
 * hostnames in input order. Nothing here allocates per address except the
 * windows that {@link iterateTargets} and {@link sliceTargets} hand out, so a
 * /16 costs a handful of objects until it is actually scanned.
 */

/** Campaigns larger than this are refused unless the caller raises the limit. */
export const DEFAULT_MAX_HOSTS = 65_536;

/** An input token that added addresses, kept so scope checks can name it. */
export interface TargetSource extends AddressInterval {
  token: string;
  line: number;
}

/** Treat as immutable: counts and slices are indexed once per set. */
export interface TargetSet {
  /** Sorted, merged (adjacent ranges joined), disjoint; exclusions removed. */
  ipv4: Ipv4Interval[];
  /** Sorted, merged, disjoint; exclusions removed. */
  ipv6: Ipv6Interval[];
  /** Lower-cased, unique, in input order; resolved later, so never checked against scope here. */
  hostnames: string[];
  /** The address tokens of the target list as typed (exclusions not included). */
  sources: TargetSource[];
}

export interface TargetLimits {
  /**
   * Largest number of targets (addresses plus hostnames) a campaign may hold:
   * a safe integer, or Infinity to only check syntax and scope of a set too
   * large to scan (its counts and slices are then exact only below 2^53).
   */
  maxHosts?: number;
}

/* ----------------------------------------------------------------------------
 * Tokens: address, CIDR, range or hostname
 * ------------------------------------------------------------------------- */

export type TargetToken =
  | { kind: 'addresses'; interval: AddressInterval }
  | { kind: 'hostname'; hostname: string };

function looksLikeIpv4(text: string): boolean {
  return /^[\d.]+$/.test(text);
}

function parseLiteral(text: string): Parsed<{ family: AddressFamily; value: bigint }> {
  if (text.includes(':')) {
    const parsed = parseIpv6(text);
    return 'value' in parsed ? { value: { family: 6, value: parsed.value } } : parsed;
  }
  if (looksLikeIpv4(text)) {
    const parsed = parseIpv4(text);
    return 'value' in parsed ? { value: { family: 4, value: BigInt(parsed.value) } } : parsed;
  }
  return { reason: 'not an IP address' };
}

function parseCidr(text: string): Parsed<AddressInterval> {
  const slash = text.indexOf('/');
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!addressText.includes(':') && !looksLikeIpv4(addressText)) {
    return 'value' in parseHostname(addressText)
      ? { reason: 'CIDR needs an IP address, not a hostname' }
      : { reason: 'not a target' };
  }
  const address = parseLiteral(addressText);
  if ('reason' in address) return address;
  const bits = address.value.family === 4 ? IPV4_BITS : IPV6_BITS;
  if (!/^\d+$/.test(prefixText)) return { reason: 'prefix length must be a number' };
  if (prefixText.length > 3 || Number(prefixText) > bits)
    return { reason: 'prefix length out of range' };
  // Host bits are ignored (10.0.0.5/24 is the whole /24), as nmap reads it.
  const size = 1n << BigInt(bits - Number(prefixText));
  const first = address.value.value & ~(size - 1n);
  return { value: { family: address.value.family, first, last: first + size - 1n } };
}

function parseRange(text: string): Parsed<AddressInterval> {
  const dash = text.indexOf('-');
  const startText = text.slice(0, dash);
  const endText = text.slice(dash + 1);
  if (endText === '') return { reason: 'range end is missing' };
  const start = parseLiteral(startText);
  if ('reason' in start) return start;
  let end: bigint;
  if (start.value.family === 4 && /^\d+$/.test(endText)) {
    // Last-octet form: 10.0.0.1-20.
    if (endText.length > 3 || Number(endText) > 255) return { reason: 'octet out of range' };
    end = (start.value.value & ~0xffn) | BigInt(endText);
  } else {
    const parsed = parseLiteral(endText);
    if ('reason' in parsed) return parsed;
    if (parsed.value.family !== start.value.family) {
      return { reason: 'range ends must be the same address family' };
    }
    end = parsed.value.value;
  }
  if (end < start.value.value) return { reason: 'range start is after its end' };
  return { value: { family: start.value.family, first: start.value.value, last: end } };
}

/** RFC 1123 host name, lower-cased, without a trailing root dot. */
export function parseHostname(text: string): Parsed<string> {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (/[^\x20-\x7e]/.test(name)) {
    return /\p{L}/u.test(name)
      ? { reason: 'hostname must be ASCII (use its punycode form)' }
      : { reason: 'not a target' };
  }
  if (name.length > 253) return { reason: 'hostname longer than 253 characters' };
  const labels = name.split('.');
  for (const label of labels) {
    if (label === '') return { reason: 'hostname has an empty label' };
    if (!/^[a-zA-Z0-9-]+$/.test(label)) return { reason: 'not a target' };
    if (label.length > 63) return { reason: 'hostname label longer than 63 characters' };
    if (label.startsWith('-') || label.endsWith('-')) {
      return { reason: 'hostname label cannot start or end with "-"' };
    }
  }
  if (/^\d+$/.test(labels.at(-1) ?? ''))
    return { reason: 'hostname cannot end with a numeric label' };
  // The system resolver would read `0x0a000001` or `0x0a.1` as an address, bypassing these checks.
  if (labels.every((label) => /^(0x[0-9a-f]*|\d+)$/i.test(label))) {
    return { reason: 'numeric address in an unsupported notation' };
  }
  return { value: name.toLowerCase() };
}

/**
 * One target token without its `!` prefix. Anything starting with `-` is
 * refused first: handed to nmap it would become an option.
 */
export function parseTargetToken(text: string): Parsed<TargetToken> {
  if (text === '' || text.startsWith('-') || text.startsWith('!'))
    return { reason: 'not a target' };
  let interval: Parsed<AddressInterval> | undefined;
  if (text.includes('/')) {
    interval = parseCidr(text);
  } else if (/^[\d.]+:\d+$/.test(text)) {
    return { reason: 'ports go in the ports field, not after the address' };
  } else if (text.includes(':')) {
    interval = text.includes('-') ? parseRange(text) : parseCidr(`${text}/${IPV6_BITS}`);
  } else if (/^[\d.]+-[\d.]*$/.test(text)) {
    interval = parseRange(text);
  } else if (looksLikeIpv4(text)) {
    interval = parseCidr(`${text}/${IPV4_BITS}`);
  }
  if (interval !== undefined) {
    return 'value' in interval
      ? { value: { kind: 'addresses', interval: interval.value } }
      : interval;
  }
  const hostname = parseHostname(text);
  return 'value' in hostname ? { value: { kind: 'hostname', hostname: hostname.value } } : hostname;
}

/* ----------------------------------------------------------------------------
 * Parsing a target list
 * ------------------------------------------------------------------------- */

interface TokenAccumulator {
  included: TargetSource[];
  excluded: AddressInterval[];
  hostnames: string[];
  excludedHostnames: Set<string>;
}

function collectTargetTokens(
  text: string,
  field: InputField,
  accumulator: TokenAccumulator,
  collector: IssueCollector,
): void {
  for (const { token, line } of tokenizeInput(text)) {
    if (collector.full) return;
    // In the exclusions field every entry excludes; a `!` there is tolerated, not required.
    const negated = token.startsWith('!');
    const body = negated ? token.slice(1) : token;
    const parsed = parseTargetToken(body);
    if ('reason' in parsed) {
      collector.add(tokenIssue(field, token, line, parsed.reason));
      continue;
    }
    const excluding = negated || field === 'exclusions';
    if (parsed.value.kind === 'hostname') {
      if (excluding) accumulator.excludedHostnames.add(parsed.value.hostname);
      else accumulator.hostnames.push(parsed.value.hostname);
    } else if (excluding) {
      accumulator.excluded.push(parsed.value.interval);
    } else {
      accumulator.included.push({ ...parsed.value.interval, token, line });
    }
  }
}

function resolveLimit(limits: TargetLimits): number {
  const maxHosts = limits.maxHosts ?? DEFAULT_MAX_HOSTS;
  const valid =
    maxHosts === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxHosts) && maxHosts >= 1);
  if (!valid) throw new RangeError(`maxHosts must be a positive safe integer, got ${maxHosts}`);
  return maxHosts;
}

const LIMIT_REASON_SUFFIX = ' per campaign';

function limitIssue(hostCount: bigint, maxHosts: number): string {
  return `${hostCount} hosts exceeds the limit of ${maxHosts}${LIMIT_REASON_SUFFIX}`;
}

/** Whether an issue only says the campaign is too large (the input itself is well-formed). */
export function isHostLimitIssue(issue: InputIssue): boolean {
  return issue.field === 'targets' && issue.reason.endsWith(LIMIT_REASON_SUFFIX);
}

/**
 * Parses the target list and the separate exclusions list. Exclusions (from
 * either list, `!token` in the target list) are subtracted from every target.
 * Refuses empty results and results larger than `maxHosts`, naming the tokens
 * that alone exceed it; sizes are computed by interval arithmetic, never by
 * iterating, so `::/0` is refused as cheaply as `10.0.0.0/30` is accepted.
 */
export function parseTargets(
  text: string,
  exclusionsText = '',
  limits: TargetLimits = {},
): ParseResult<TargetSet> {
  const maxHosts = resolveLimit(limits);
  const collector = new IssueCollector();
  const accumulator: TokenAccumulator = {
    included: [],
    excluded: [],
    hostnames: [],
    excludedHostnames: new Set(),
  };
  collectTargetTokens(text, 'targets', accumulator, collector);
  collectTargetTokens(exclusionsText, 'exclusions', accumulator, collector);
  if (collector.issues.length > 0) return { ok: false, issues: collector.issues };

  const merged = subtractIntervals(
    mergeIntervals(accumulator.included),
    mergeIntervals(accumulator.excluded),
  );
  const hostnames = [...new Set(accumulator.hostnames)].filter(
    (hostname) => !accumulator.excludedHostnames.has(hostname),
  );
  let total = BigInt(hostnames.length);
  for (const interval of merged) total += intervalSize(interval);

  if (total === 0n) {
    const anyIncluded = accumulator.included.length > 0 || accumulator.hostnames.length > 0;
    return {
      ok: false,
      issues: [
        fieldIssue(
          'targets',
          anyIncluded ? 'exclusions remove every target' : 'at least one target is required',
        ),
      ],
    };
  }
  if (Number.isFinite(maxHosts) && total > BigInt(maxHosts)) {
    for (const source of accumulator.included) {
      if (collector.full) break;
      if (intervalSize(source) <= BigInt(maxHosts)) continue;
      let contribution = 0n;
      for (const part of intersectInterval(merged, source)) contribution += intervalSize(part);
      if (contribution > BigInt(maxHosts)) {
        collector.add(
          tokenIssue('targets', source.token, source.line, limitIssue(contribution, maxHosts)),
        );
      }
    }
    if (collector.issues.length === 0)
      collector.add(fieldIssue('targets', limitIssue(total, maxHosts)));
    return { ok: false, issues: collector.issues };
  }

  return {
    ok: true,
    value: {
      ipv4: merged
        .filter((interval) => interval.family === 4)
        .map((interval) => ({ first: Number(interval.first), last: Number(interval.last) })),
      ipv6: merged
        .filter((interval) => interval.family === 6)
        .map((interval) => ({ first: interval.first, last: interval.last })),
      hostnames,
      sources: accumulator.included,
    },
  };
}

/** Issues in the exclusions list alone (syntax only), for validating that field by itself. */
export function checkExclusions(exclusionsText: string): InputIssue[] {
  const collector = new IssueCollector();
  collectTargetTokens(
    exclusionsText,
    'exclusions',
    { included: [], excluded: [], hostnames: [], excludedHostnames: new Set() },
    collector,
  );
  return collector.issues;
}

/**
 * Everything the target and exclusion lists exclude (`!token` entries of the
 * targets, every entry of the exclusions), merged: applied again to the
 * addresses hostnames resolve to, so an excluded address stays excluded
 * whatever name reaches it. Call on input that parsed.
 */
export function parseExclusions(
  text: string,
  exclusionsText = '',
): { intervals: AddressInterval[]; hostnames: string[] } {
  const collector = new IssueCollector();
  const accumulator: TokenAccumulator = {
    included: [],
    excluded: [],
    hostnames: [],
    excludedHostnames: new Set(),
  };
  collectTargetTokens(text, 'targets', accumulator, collector);
  collectTargetTokens(exclusionsText, 'exclusions', accumulator, collector);
  return {
    intervals: mergeIntervals(accumulator.excluded),
    hostnames: [...accumulator.excludedHostnames],
  };
}

/* ----------------------------------------------------------------------------
 * Counting, iterating, slicing
 * ------------------------------------------------------------------------- */

/** Where each interval (and the hostname block) starts in target order; built once per set. */
interface TargetIndex {
  starts: number[];
  addressCount: number;
  total: number;
}

const indexes = new WeakMap<TargetSet, TargetIndex>();

function indexOf(targets: TargetSet): TargetIndex {
  let index = indexes.get(targets);
  if (index !== undefined) return index;
  const starts: number[] = [];
  let position = 0;
  for (const interval of targets.ipv4) {
    starts.push(position);
    position += interval.last - interval.first + 1;
  }
  for (const interval of targets.ipv6) {
    starts.push(position);
    // A parsed set holds at most maxHosts (a safe integer) targets, so sizes fit in a number.
    position += Number(interval.last - interval.first + 1n);
  }
  index = { starts, addressCount: position, total: position + targets.hostnames.length };
  indexes.set(targets, index);
  return index;
}

/** Every target: addresses plus hostnames (a hostname counts once, however many addresses it resolves to). */
export function countTargets(targets: TargetSet): number {
  return indexOf(targets).total;
}

export function countAddresses(targets: TargetSet): number {
  return indexOf(targets).addressCount;
}

/** All targets in order, one string at a time. */
export function* iterateTargets(targets: TargetSet): Generator<string, void, undefined> {
  for (const { first, last } of targets.ipv4) {
    for (let value = first; value <= last; value += 1) yield formatIpv4(value);
  }
  for (const { first, last } of targets.ipv6) {
    for (let value = first; value <= last; value += 1n) yield formatIpv6(value);
  }
  yield* targets.hostnames;
}

function assertWindow(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * The targets at positions [offset, offset + count) of {@link iterateTargets},
 * found by binary search over interval starts: cost is O(log intervals + count)
 * whatever the offset, so a batch can be expanded from a small descriptor.
 */
export function sliceTargets(targets: TargetSet, offset: number, count: number): string[] {
  assertWindow('offset', offset);
  assertWindow('count', count);
  const { starts, addressCount, total } = indexOf(targets);
  const end = Math.min(offset + count, total);
  const window: string[] = [];
  let position = offset;
  if (position < addressCount) {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (starts[middle]! <= position) low = middle;
      else high = middle - 1;
    }
    for (let intervalIndex = low; position < end && position < addressCount; intervalIndex += 1) {
      const start = starts[intervalIndex]!;
      if (intervalIndex < targets.ipv4.length) {
        const interval = targets.ipv4[intervalIndex]!;
        for (
          let value = interval.first + (position - start);
          value <= interval.last && position < end;
          value += 1
        ) {
          window.push(formatIpv4(value));
          position += 1;
        }
      } else {
        const interval = targets.ipv6[intervalIndex - targets.ipv4.length]!;
        for (
          let value = interval.first + BigInt(position - start);
          value <= interval.last && position < end;
          value += 1n
        ) {
          window.push(formatIpv6(value));
          position += 1;
        }
      }
    }
  }
  if (position < end)
    window.push(...targets.hostnames.slice(position - addressCount, end - addressCount));
  return window;
}

/** A window of the target order handed to one sub-invocation; small enough to journal cheaply. */
export interface BatchDescriptor {
  index: number;
  offset: number;
  count: number;
}

/** Consecutive windows covering [0, total) exactly once, each `batchSize` long except maybe the last. */
export function batchDescriptors(total: number, batchSize: number): BatchDescriptor[] {
  assertWindow('total', total);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const batches: BatchDescriptor[] = [];
  for (let offset = 0, index = 0; offset < total; offset += batchSize, index += 1) {
    batches.push({ index, offset, count: Math.min(batchSize, total - offset) });
  }
  return batches;
}

/* ----------------------------------------------------------------------------
 * Canonical text
 * ------------------------------------------------------------------------- */

/**
 * One entry per line: IPv4 intervals, IPv6 intervals, then hostnames.
 * Parsing the result gives back the same set (exclusions are already applied).
 */
export function formatTargets(targets: TargetSet): string {
  return [
    ...targets.ipv4.map((interval) =>
      formatInterval({ family: 4, first: BigInt(interval.first), last: BigInt(interval.last) }),
    ),
    ...targets.ipv6.map((interval) => formatInterval({ family: 6, ...interval })),
    ...targets.hostnames,
  ].join('\n');
}
