import type { AffectedVersions } from '../../shared/vulnerability.js';

/**
 * Version ordering for the way network daemons number their releases, which
 * semver does not cover: OpenSSH portable (`7.2p2`), ProFTPD letter releases
 * (`1.3.5a`..`1.3.5e`), release candidates (`1.3.6rc1`), Tomcat milestones
 * (`9.0.0.M1`), Exim's optional fourth component (`4.92.2`), OpenSSL letter
 * releases (`1.0.1f`), Dropbear's `2016.74`.
 *
 * A version is read as a sequence of tokens: numbers, pre-release words
 * (dev, alpha, beta, milestone, pre, rc) and other words, which are
 * post-release markers (`p` in `7.2p2`, `a` in `1.3.5a`). Tokens are ordered
 *
 *     pre-release word  <  number  <  post-release word
 *
 * and a missing token counts as the number 0, so `4.87` = `4.87.0` <
 * `4.87.1`, `1.3.6rc1` < `1.3.6` < `1.3.6a`, and `7.2` < `7.2p2` < `7.3`.
 * Comparing token sequences lexicographically over that total order (padding
 * with 0) is a total preorder, so the comparison is antisymmetric and
 * transitive for any inputs, which the property tests check.
 */

type VersionToken =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'pre'; readonly rank: number; readonly word: string }
  | { readonly kind: 'post'; readonly word: string };

/** A parsed version: compare these in hot loops instead of re-parsing strings. */
export interface ParsedVersion {
  /** The upstream version the tokens were read from, distribution suffixes removed. */
  readonly text: string;
  readonly tokens: readonly VersionToken[];
}

/** Pre-release words from the least to the most mature; synonyms share a rank. */
const PRE_RELEASE_RANKS: ReadonlyMap<string, number> = new Map([
  ['dev', 0],
  ['snapshot', 0],
  ['alpha', 1],
  ['beta', 2],
  ['milestone', 3],
  ['m', 3],
  ['pre', 4],
  ['preview', 4],
  ['rc', 5],
  ['cr', 5],
]);

const ZERO: VersionToken = { kind: 'number', value: 0 };

/**
 * Cuts what distributions and builds append to an upstream version:
 * `7.2p2 Ubuntu-4ubuntu2.8` -> `7.2p2`, `5.5.20-log` -> `5.5.20`,
 * `1:7.9p1-10+deb10u2` -> `7.9p1`, `v1.16.1` -> `1.16.1`. A dash followed by
 * a pre-release word stays (`1.0.2-beta1`, `10.1.0-M1`), since it is part of
 * the upstream version.
 */
export function upstreamVersion(raw: string): string {
  let text = raw.trim().split(/\s/, 1)[0] ?? '';
  text = text.replace(/^[vV](?=\d)/, '').replace(/^\d+:(?=\d)/, '');
  // Sendmail prints `8.14.4/8.14.4` (binary/configuration versions): the first is the release.
  text = text.split('+', 1)[0]!.split('/', 1)[0] ?? '';
  const parts = text.split(/[-~]/);
  let kept = parts[0] ?? '';
  for (const part of parts.slice(1)) {
    const word = /^[a-z]+/i.exec(part)?.[0].toLowerCase();
    if (!word || !isPreReleaseWord(word, part.slice(word.length))) break;
    kept += `-${part}`;
  }
  return kept;
}

function isPreReleaseWord(word: string, rest: string): boolean {
  // A lone `m` is a milestone only with a number (`M1`); otherwise it could be a letter release.
  if (word === 'm') return /^\d/.test(rest);
  return PRE_RELEASE_RANKS.has(word);
}

/** Parses a version as products print it, or undefined when it does not start with a digit. */
export function parseVersion(raw: string): ParsedVersion | undefined {
  const text = upstreamVersion(raw);
  if (!/^\d/.test(text)) return undefined;
  const tokens: VersionToken[] = [];
  const pieces = text.toLowerCase().match(/\d+|[a-z]+/g) ?? [];
  for (let index = 0; index < pieces.length; index += 1) {
    const piece = pieces[index]!;
    if (/^\d/.test(piece)) {
      // Parsed as a number, so `07` = `7`; beyond 2^53 precision loss cannot reorder real versions.
      tokens.push({ kind: 'number', value: Number(piece) });
    } else if (piece === 'v' && /^\d/.test(pieces[index + 1] ?? '')) {
      // Jetty's `9.4.11.v20180605` is NVD's `9.4.11` + update `20180605`: the `v` only marks a build date.
      continue;
    } else if (isPreReleaseWord(piece, pieces[index + 1] ?? '')) {
      tokens.push({ kind: 'pre', rank: PRE_RELEASE_RANKS.get(piece)!, word: piece });
    } else {
      tokens.push({ kind: 'post', word: piece });
    }
  }
  return { text, tokens };
}

const KIND_ORDER = { pre: 0, number: 1, post: 2 } as const;

function compareTokens(left: VersionToken, right: VersionToken): number {
  if (left.kind !== right.kind) return KIND_ORDER[left.kind] - KIND_ORDER[right.kind];
  if (left.kind === 'number' && right.kind === 'number') return left.value - right.value;
  if (left.kind === 'pre' && right.kind === 'pre') {
    if (left.rank !== right.rank) return left.rank - right.rank;
  }
  const leftWord = (left as { word: string }).word;
  const rightWord = (right as { word: string }).word;
  return leftWord < rightWord ? -1 : leftWord > rightWord ? 1 : 0;
}

/** Orders two parsed versions: negative, zero or positive like `Array.prototype.sort` wants. */
export function compareParsedVersions(left: ParsedVersion, right: ParsedVersion): number {
  const length = Math.max(left.tokens.length, right.tokens.length);
  for (let index = 0; index < length; index += 1) {
    const order = compareTokens(left.tokens[index] ?? ZERO, right.tokens[index] ?? ZERO);
    if (order !== 0) return Math.sign(order);
  }
  return 0;
}

/**
 * Orders two version strings (-1, 0 or 1). Throws a RangeError for a string
 * that is not a version, so a typo in a rule cannot silently match nothing.
 */
export function compareVersions(left: string, right: string): -1 | 0 | 1 {
  const parsedLeft = parseVersion(left);
  const parsedRight = parseVersion(right);
  if (!parsedLeft) throw new RangeError(`not a version: "${left}"`);
  if (!parsedRight) throw new RangeError(`not a version: "${right}"`);
  return compareParsedVersions(parsedLeft, parsedRight) as -1 | 0 | 1;
}

/** An affected-versions entry with its bounds parsed once, for matching many observations. */
export interface CompiledAffectedVersions {
  readonly exact?: ParsedVersion;
  readonly startIncluding?: ParsedVersion;
  readonly startExcluding?: ParsedVersion;
  readonly endIncluding?: ParsedVersion;
  readonly endExcluding?: ParsedVersion;
}

function parseBound(bound: string | undefined): ParsedVersion | undefined {
  if (bound === undefined) return undefined;
  const parsed = parseVersion(bound);
  if (!parsed) throw new RangeError(`not a version: "${bound}"`);
  return parsed;
}

/** Parses every bound of an affected-versions entry; throws a RangeError on a bound that is not a version. */
export function compileAffectedVersions(affected: AffectedVersions): CompiledAffectedVersions {
  if ('exact' in affected) return { exact: parseBound(affected.exact) };
  return {
    startIncluding: parseBound(affected.versionStartIncluding),
    startExcluding: parseBound(affected.versionStartExcluding),
    endIncluding: parseBound(affected.versionEndIncluding),
    endExcluding: parseBound(affected.versionEndExcluding),
  };
}

/** True when `version` is the exact version or lies inside every bound of the range. */
export function isAffected(version: ParsedVersion, affected: CompiledAffectedVersions): boolean {
  if (affected.exact) return compareParsedVersions(version, affected.exact) === 0;
  if (affected.startIncluding && compareParsedVersions(version, affected.startIncluding) < 0) {
    return false;
  }
  if (affected.startExcluding && compareParsedVersions(version, affected.startExcluding) <= 0) {
    return false;
  }
  if (affected.endIncluding && compareParsedVersions(version, affected.endIncluding) > 0) {
    return false;
  }
  if (affected.endExcluding && compareParsedVersions(version, affected.endExcluding) >= 0) {
    return false;
  }
  return true;
}

/** Convenience for one-off checks: is the version string inside the affected-versions entry? */
export function isVersionAffected(version: string, affected: AffectedVersions): boolean {
  const parsed = parseVersion(version);
  return parsed !== undefined && isAffected(parsed, compileAffectedVersions(affected));
}
