import type { Readable } from 'node:stream';
// ae-cvss-calculator is CommonJS: Node's ESM loader cannot see its named exports.
import cvssCalculator from 'ae-cvss-calculator';
import { z } from 'zod';
import {
  CveId,
  isCvssVectorOf,
  MAX_PRODUCTS_IN_SUMMARY,
  severityOfMetric,
  type AffectedVersions,
  type CvssMetric,
  type CvssVersion,
  type SkipReason,
  type VulnerabilityRule,
} from '../../shared/vulnerability.js';
import { cpeProductKey, cpeVersionString, parseCpe23, type CpeName } from './cpe.js';
import { FeedImportError } from './feed-file-reader.js';
import { readJsonFeed } from './json-feed-stream.js';
import { parseVersion } from './version-compare.js';

export { FeedImportError } from './feed-file-reader.js';

// Only the fields the import reads are declared; NVD adds fields over time and
// zod drops unknown keys, so a newer feed still imports.
function nvdCvssMetric(version: CvssVersion) {
  return z.object({
    source: z.string().optional(),
    type: z.enum(['Primary', 'Secondary']).optional(),
    cvssData: z
      .object({
        version: z.literal(version),
        baseScore: z.number().min(0).max(10),
        vectorString: z.string(),
      })
      .refine((data) => isCvssVectorOf(version, data.vectorString), {
        message: `vectorString is not a CVSS ${version} vector`,
        path: ['vectorString'],
      }),
  });
}
type NvdCvssMetric = z.infer<ReturnType<typeof nvdCvssMetric>>;

const NvdCpeMatch = z.object({
  vulnerable: z.boolean(),
  criteria: z.string(),
  versionStartIncluding: z.string().optional(),
  versionStartExcluding: z.string().optional(),
  versionEndIncluding: z.string().optional(),
  versionEndExcluding: z.string().optional(),
});
type NvdCpeMatch = z.infer<typeof NvdCpeMatch>;

const NvdCve = z.object({
  id: CveId,
  published: z.string().optional(),
  vulnStatus: z.string().optional(),
  descriptions: z.array(z.object({ lang: z.string(), value: z.string() })),
  metrics: z
    .object({
      cvssMetricV40: z.array(nvdCvssMetric('4.0')).optional(),
      cvssMetricV31: z.array(nvdCvssMetric('3.1')).optional(),
      cvssMetricV30: z.array(nvdCvssMetric('3.0')).optional(),
      cvssMetricV2: z.array(nvdCvssMetric('2.0')).optional(),
    })
    .optional(),
  configurations: z
    .array(
      z.object({
        negate: z.boolean().optional(),
        nodes: z.array(
          z.object({
            operator: z.enum(['AND', 'OR']).optional(),
            negate: z.boolean().optional(),
            cpeMatch: z.array(NvdCpeMatch).optional(),
          }),
        ),
      }),
    )
    .optional(),
});
type NvdCve = z.infer<typeof NvdCve>;

const NvdVulnerability = z.object({ cve: NvdCve });

const NvdFeedEnvelope = z.object({
  resultsPerPage: z.number().int().min(0),
  startIndex: z.number().int().min(0),
  totalResults: z.number().int().min(0),
  format: z.string(),
  version: z.string(),
  timestamp: z.string(),
});

/** What a feed held once validated and turned into rules (the rules went to `onRule`). */
export interface NvdFeedStatistics {
  /** CVEs in the feed. */
  readonly cves: number;
  readonly cvesWithRules: number;
  readonly rulesAdded: number;
  readonly skipped: number;
  readonly skippedByReason: Partial<Record<SkipReason, number>>;
  /** Rules per vendor:product, most frequent first, at most MAX_PRODUCTS_IN_SUMMARY. */
  readonly byProduct: Record<string, number>;
  /** Distinct vendor:product pairs with rules. */
  readonly products: number;
  readonly timestamp: string;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text || '(root)';
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A FeedImportError naming the JSON path of the first schema problem. */
export function schemaError(
  error: z.ZodError,
  root: unknown,
  prefix: ReadonlyArray<PropertyKey>,
): FeedImportError {
  const issue = error.issues[0]!;
  const path = [...prefix, ...issue.path];
  const location = formatPath(path);
  const detail =
    issue.code === 'invalid_type'
      ? `expected ${issue.expected}, got ${describeValue(valueAt(root, issue.path))}`
      : issue.message;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return new FeedImportError(`${location}: ${detail}${more}`, location);
}

/** Refuses an NVD 1.1 feed by its first key, before reading the rest of it. */
export function refuseNvd11(key: string): void {
  if (key === 'CVE_Items' || key === 'CVE_data_version' || key === 'CVE_data_type') {
    throw new FeedImportError(
      'this is an NVD 1.1 feed; NVD retired the 1.1 feeds: download the CVE JSON 2.0 feed files (nvdcve-2.0-*.json.gz)',
    );
  }
}

function requireNvd20Envelope(envelope: Record<string, unknown>): z.infer<typeof NvdFeedEnvelope> {
  if (envelope.format !== 'NVD_CVE' || envelope.version !== '2.0') {
    throw new FeedImportError(
      `not an NVD CVE JSON 2.0 feed: format ${JSON.stringify(envelope.format)}, version ${JSON.stringify(envelope.version)} ` +
        '(expected format "NVD_CVE", version "2.0")',
    );
  }
  const parsed = NvdFeedEnvelope.safeParse(envelope);
  if (!parsed.success) throw schemaError(parsed.error, envelope, []);
  return parsed.data;
}

/**
 * Validates a CVSS v4.0 vector with ae-cvss-calculator and returns the base
 * score it computes (CVSS v4.0 scores come from FIRST's lookup table, which
 * the library implements), or undefined when the vector is not valid v4.0.
 */
export function cvss4BaseScore(vector: string): number | undefined {
  const required = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'];
  const present = new Set(
    vector
      .split('/')
      .slice(1)
      .map((part) => part.split(':', 1)[0]),
  );
  if (!vector.startsWith('CVSS:4.0/') || !required.every((metric) => present.has(metric))) {
    return undefined;
  }
  try {
    return new cvssCalculator.Cvss4P0(vector).calculateScores().base;
  } catch {
    return undefined;
  }
}

function toMetric(metric: NvdCvssMetric, version: CvssVersion): CvssMetric {
  return {
    version,
    baseScore: metric.cvssData.baseScore,
    vector: metric.cvssData.vectorString,
    ...(metric.source && { source: metric.source }),
    ...(metric.type && { type: metric.type }),
  };
}

/**
 * Every metric NVD gave, in preference order: NVD's own (Primary) v3.1,
 * then v4.0, v3.0 and v2, each Primary before Secondary. The first is the
 * one a rule's severity comes from. v4.0 vectors are checked and scored by
 * ae-cvss-calculator; an invalid one refuses the feed (it is malformed).
 */
function metricsOf(cve: NvdCve, path: ReadonlyArray<PropertyKey>): CvssMetric[] {
  const byVersion: Array<[CvssVersion, NvdCvssMetric[]]> = [
    ['3.1', cve.metrics?.cvssMetricV31 ?? []],
    ['4.0', cve.metrics?.cvssMetricV40 ?? []],
    ['3.0', cve.metrics?.cvssMetricV30 ?? []],
    ['2.0', cve.metrics?.cvssMetricV2 ?? []],
  ];
  const metrics: CvssMetric[] = [];
  for (const [version, entries] of byVersion) {
    const ordered = [
      ...entries.filter((entry) => entry.type === 'Primary'),
      ...entries.filter((entry) => entry.type !== 'Primary'),
    ];
    for (const entry of ordered) {
      const metric = toMetric(entry, version);
      if (version === '4.0') {
        const score = cvss4BaseScore(metric.vector);
        if (score === undefined) {
          const at = formatPath([...path, 'metrics', 'cvssMetricV40', entries.indexOf(entry)]);
          throw new FeedImportError(`${at}: not a valid CVSS 4.0 vector: ${metric.vector}`, at);
        }
        metric.baseScore = score;
      }
      metrics.push(metric);
    }
  }
  return metrics;
}

function oneLine(cve: NvdCve): string {
  const description =
    cve.descriptions.find((entry) => entry.lang === 'en')?.value ??
    cve.descriptions[0]?.value ??
    '';
  const text = description.replace(/\s+/g, ' ').trim() || `${cve.id} (no description)`;
  return text.length <= 300 ? text : `${text.slice(0, 299).trimEnd()}…`;
}

function isVersion(value: string | undefined): boolean {
  return value === undefined || parseVersion(value) !== undefined;
}

/**
 * The affected versions one CPE match stands for, or undefined when it gives
 * none usable: `-` (not applicable), or `*` without bounds, which would flag
 * every version ever released.
 */
function affectedFromMatch(match: NvdCpeMatch, cpe: CpeName): AffectedVersions | undefined {
  if (cpe.version === '-') return undefined;
  const exact = cpeVersionString(cpe);
  if (exact !== undefined) return parseVersion(exact) ? { exact } : undefined;
  const range = {
    ...(match.versionStartIncluding && { versionStartIncluding: match.versionStartIncluding }),
    ...(match.versionStartExcluding && { versionStartExcluding: match.versionStartExcluding }),
    ...(match.versionEndIncluding && { versionEndIncluding: match.versionEndIncluding }),
    ...(match.versionEndExcluding && { versionEndExcluding: match.versionEndExcluding }),
  };
  if (Object.keys(range).length === 0) return undefined;
  const bounds = Object.values(range) as string[];
  return bounds.every(isVersion) ? range : undefined;
}

/**
 * Vulnerable application CPE matches of the CVE, grouped by `vendor:product`.
 * `vulnerable: false` entries are platforms (the OS an application runs on in
 * an AND configuration) and never a finding; operating-system and hardware
 * CPEs are left out since engines identify services, not the OS version.
 */
function affectedByProduct(cve: NvdCve): {
  applications: boolean;
  affected: Map<string, AffectedVersions[]>;
} {
  const affected = new Map<string, Map<string, AffectedVersions>>();
  let applications = false;
  for (const configuration of cve.configurations ?? []) {
    if (configuration.negate) continue;
    for (const node of configuration.nodes) {
      if (node.negate) continue;
      for (const match of node.cpeMatch ?? []) {
        if (!match.vulnerable) continue;
        const cpe = parseCpe23(match.criteria);
        if (!cpe || cpe.part !== 'a') continue;
        applications = true;
        const entry = affectedFromMatch(match, cpe);
        if (!entry) continue;
        const key = cpeProductKey(cpe);
        const entries = affected.get(key) ?? new Map<string, AffectedVersions>();
        entries.set(JSON.stringify(entry), entry);
        affected.set(key, entries);
      }
    }
  }
  return {
    applications,
    affected: new Map([...affected].map(([product, entries]) => [product, [...entries.values()]])),
  };
}

/**
 * Turns one validated CVE into its rules (one per vendor:product), or the
 * reason it gives none.
 */
export function rulesForCve(
  cve: NvdCve,
  path: ReadonlyArray<PropertyKey>,
): VulnerabilityRule[] | SkipReason {
  if (cve.vulnStatus === 'Rejected') return 'rejected';
  const { applications, affected } = affectedByProduct(cve);
  if (!applications) return 'no-application-cpe';
  const metrics = metricsOf(cve, path);
  const preferred = metrics[0];
  if (!preferred) return 'no-cvss';
  if (affected.size === 0) return 'no-version-criteria';
  const summary = oneLine(cve);
  return [...affected].map(([product, entries]) => ({
    cve: cve.id,
    product,
    affected: entries,
    cvss: preferred,
    metrics,
    severity: severityOfMetric(preferred),
    summary,
    ...(cve.published && { published: cve.published }),
    references: [`https://nvd.nist.gov/vuln/detail/${cve.id}`],
    source: 'nvd-import' as const,
  }));
}

function topProducts(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries(
    [...counts]
      .sort((left, right) => right[1] - left[1] || (left[0] < right[0] ? -1 : 1))
      .slice(0, MAX_PRODUCTS_IN_SUMMARY),
  );
}

/**
 * Reads an NVD CVE JSON 2.0 feed as a stream, validating each CVE and
 * handing its rules to `onRule` as it goes; memory holds one CVE at a time.
 * Throws a FeedImportError at the first problem (syntax, schema, envelope):
 * the caller must then discard what `onRule` received, so a broken file is
 * refused whole. `openBytes` is called again only to locate a syntax error.
 */
export async function readNvdFeed(
  openBytes: () => Promise<Readable>,
  onRule: (rule: VulnerabilityRule) => void,
): Promise<NvdFeedStatistics> {
  const skippedByReason: Partial<Record<SkipReason, number>> = {};
  const byProduct = new Map<string, number>();
  let cvesWithRules = 0;
  let rulesAdded = 0;
  const { envelope, items, hasItemArray } = await readJsonFeed(openBytes, 'vulnerabilities', {
    onTopLevelKey: refuseNvd11,
    onItem(item, position) {
      // One CVE at a time keeps zod's work and the error path bounded on 200k-CVE files.
      const path = ['vulnerabilities', position];
      const parsed = NvdVulnerability.safeParse(item);
      if (!parsed.success) throw schemaError(parsed.error, item, path);
      const outcome = rulesForCve(parsed.data.cve, [...path, 'cve']);
      if (typeof outcome === 'string') {
        skippedByReason[outcome] = (skippedByReason[outcome] ?? 0) + 1;
        return;
      }
      for (const rule of outcome) {
        onRule(rule);
        byProduct.set(rule.product, (byProduct.get(rule.product) ?? 0) + 1);
        rulesAdded += 1;
      }
      cvesWithRules += 1;
    },
  });
  const header = requireNvd20Envelope(envelope);
  if (!hasItemArray) {
    throw new FeedImportError(
      `vulnerabilities: expected array, got ${describeValue(envelope.vulnerabilities)}`,
      'vulnerabilities',
    );
  }
  return {
    cves: items,
    cvesWithRules,
    rulesAdded,
    skipped: items - cvesWithRules,
    skippedByReason,
    byProduct: topProducts(byProduct),
    products: byProduct.size,
    timestamp: header.timestamp,
  };
}
