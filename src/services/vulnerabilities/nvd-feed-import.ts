import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { canonicalProduct, PRODUCT_IDS, type ProductId } from '../../shared/products.js';
import {
  CveId,
  severityFromScore,
  type AffectedVersions,
  type SkipReason,
  type VulnerabilityRule,
} from '../../shared/vulnerability.js';
import { locateJsonSyntaxError } from './json-syntax-error.js';
import { parseVersion } from './version-compare.js';

/**
 * A feed file that cannot be imported. The message names the place: a
 * `line:column` for JSON syntax, a JSON path for a schema problem.
 */
export class FeedImportError extends Error {
  constructor(
    message: string,
    /** `12:5` or `vulnerabilities[3].cve.id`, when the problem has a place. */
    readonly location?: string,
  ) {
    super(message);
    this.name = 'FeedImportError';
  }
}

/**
 * NVD vendor:product pairs for the products Spectra-Red identifies. NVD has
 * renamed vendors over time (nginx:nginx became f5:nginx, redislabs:redis
 * became redis:redis), so both spellings are listed.
 */
export const CPE_PRODUCTS: Readonly<Record<string, ProductId>> = {
  'openbsd:openssh': 'openssh',
  'dropbear_ssh_project:dropbear_ssh': 'dropbear',
  'matt_johnston:dropbear_ssh_server': 'dropbear',
  'apache:http_server': 'apache_httpd',
  'nginx:nginx': 'nginx',
  'f5:nginx': 'nginx',
  'f5:nginx_open_source': 'nginx',
  'lighttpd:lighttpd': 'lighttpd',
  'microsoft:internet_information_services': 'microsoft_iis',
  'microsoft:iis': 'microsoft_iis',
  'apache:tomcat': 'apache_tomcat',
  'vsftpd_project:vsftpd': 'vsftpd',
  'beasts:vsftpd': 'vsftpd',
  'proftpd:proftpd': 'proftpd',
  'proftpd_project:proftpd': 'proftpd',
  'pureftpd:pure-ftpd': 'pure_ftpd',
  'exim:exim': 'exim',
  'postfix:postfix': 'postfix',
  'sendmail:sendmail': 'sendmail',
  'proofpoint:sendmail': 'sendmail',
  'redis:redis': 'redis',
  'redislabs:redis': 'redis',
  'oracle:mysql': 'mysql',
  'oracle:mysql_server': 'mysql',
  'mysql:mysql': 'mysql',
  'mariadb:mariadb': 'mariadb',
  'postgresql:postgresql': 'postgresql',
  'samba:samba': 'samba',
  'openssl:openssl': 'openssl',
  'memcached:memcached': 'memcached',
  'mongodb:mongodb': 'mongodb',
  'elastic:elasticsearch': 'elasticsearch',
  'elasticsearch:elasticsearch': 'elasticsearch',
};

const KNOWN_PRODUCTS: ReadonlySet<string> = new Set(PRODUCT_IDS);

function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The canonical product a CPE names, or undefined. Beyond the table,
 * `canonicalProduct` is trusted only when the CPE product is the product's
 * own name (`pure-ftpd` for `pure_ftpd`): its patterns match substrings, and
 * `oracle:mysql_connector_j` must not become MySQL server, whose version
 * numbers overlap the connector's.
 */
export function productForCpe(vendor: string, product: string): ProductId | undefined {
  const listed = CPE_PRODUCTS[`${vendor}:${product}`];
  if (listed) return listed;
  const guessed = canonicalProduct(product);
  if (guessed && squash(guessed) === squash(product) && KNOWN_PRODUCTS.has(guessed)) return guessed;
  return undefined;
}

/** The fields of a CPE 2.3 formatted string that rules need. */
export interface CpeName {
  readonly part: string;
  readonly vendor: string;
  readonly product: string;
  readonly version: string;
  readonly update: string;
}

/** Splits `cpe:2.3:a:openbsd:openssh:7.2:p2:*:...` honouring `\:` escapes; undefined if it is not CPE 2.3. */
export function parseCpe23(criteria: string): CpeName | undefined {
  const fields: string[] = [];
  let current = '';
  for (let index = 0; index < criteria.length; index += 1) {
    const character = criteria[index]!;
    if (character === '\\' && index + 1 < criteria.length) {
      current += criteria[index + 1];
      index += 1;
    } else if (character === ':') {
      fields.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  fields.push(current);
  if (fields.length !== 13 || fields[0] !== 'cpe' || fields[1] !== '2.3') return undefined;
  return {
    part: fields[2]!,
    vendor: fields[3]!,
    product: fields[4]!,
    version: fields[5]!,
    update: fields[6]!,
  };
}

// Only the fields the import reads are declared; NVD adds fields over time and
// zod drops unknown keys, so a newer feed still imports.
const NvdCvssMetric = z.object({
  source: z.string().optional(),
  type: z.string().optional(),
  cvssData: z
    .object({
      version: z.enum(['3.0', '3.1']),
      baseScore: z.number().min(0).max(10),
      vectorString: z
        .string()
        .regex(/^CVSS:3\.[01](\/[A-Z]{1,2}:[A-Z])+$/, 'expected a CVSS v3 vector'),
      baseSeverity: z.string().optional(),
    })
    .refine((data) => data.vectorString.startsWith(`CVSS:${data.version}/`), {
      message: 'vectorString does not match the CVSS version',
      path: ['vectorString'],
    }),
});
type NvdCvssMetric = z.infer<typeof NvdCvssMetric>;

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
      cvssMetricV31: z.array(NvdCvssMetric).optional(),
      cvssMetricV30: z.array(NvdCvssMetric).optional(),
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
  vulnerabilities: z.array(z.unknown()),
});

/** What a feed holds once validated and turned into rules; nothing is stored yet. */
export interface ParsedNvdFeed {
  readonly rules: VulnerabilityRule[];
  /** CVEs in the feed. */
  readonly cves: number;
  readonly cvesWithRules: number;
  readonly skipped: number;
  readonly skippedByReason: Partial<Record<SkipReason, number>>;
  /** Rules per product. */
  readonly byProduct: Partial<Record<ProductId, number>>;
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

function schemaError(
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

function decodeFeedBytes(bytes: Uint8Array): string {
  // NVD distributes feeds gzipped; accept them as downloaded.
  const plain = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const text = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const location = locateJsonSyntaxError(text);
    if (!location) throw new FeedImportError(`not valid JSON: ${(error as Error).message}`);
    const place = `${location.line}:${location.column}`;
    throw new FeedImportError(`JSON syntax error at ${place}: ${location.reason}`, place);
  }
}

function requireNvd20(document: unknown): z.infer<typeof NvdFeedEnvelope> {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new FeedImportError('not an NVD feed: the file is not a JSON object');
  }
  const fields = document as Record<string, unknown>;
  if ('CVE_Items' in fields || 'CVE_data_version' in fields) {
    throw new FeedImportError(
      `this is an NVD 1.1 feed (CVE_data_version ${JSON.stringify(fields.CVE_data_version ?? '?')}); ` +
        'NVD retired the 1.1 feeds: download the CVE JSON 2.0 feed files (nvdcve-2.0-*.json.gz)',
    );
  }
  if (fields.format !== 'NVD_CVE' || fields.version !== '2.0') {
    throw new FeedImportError(
      `not an NVD CVE JSON 2.0 feed: format ${JSON.stringify(fields.format)}, version ${JSON.stringify(fields.version)} ` +
        '(expected format "NVD_CVE", version "2.0")',
    );
  }
  const envelope = NvdFeedEnvelope.safeParse(document);
  if (!envelope.success) throw schemaError(envelope.error, document, []);
  return envelope.data;
}

/** NVD's own (Primary) v3.1 score when there is one, then v3.0, then a CNA's. */
function chooseMetric(cve: NvdCve): NvdCvssMetric | undefined {
  const candidates = [cve.metrics?.cvssMetricV31 ?? [], cve.metrics?.cvssMetricV30 ?? []];
  for (const metrics of candidates) {
    const primary = metrics.find((metric) => metric.type === 'Primary');
    if (primary) return primary;
  }
  return candidates.flat()[0];
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
  if (cpe.version !== '*' && cpe.version !== '') {
    // NVD encodes OpenSSH's `7.2p2` as version 7.2, update p2.
    const update = cpe.update === '*' || cpe.update === '-' ? '' : cpe.update;
    const exact = `${cpe.version}${update}`;
    return parseVersion(exact) ? { exact } : undefined;
  }
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

/** Vulnerable CPE matches of the CVE, grouped by the canonical product they name. */
function affectedByProduct(cve: NvdCve): {
  known: boolean;
  affected: Map<ProductId, AffectedVersions[]>;
} {
  const affected = new Map<ProductId, Map<string, AffectedVersions>>();
  let known = false;
  for (const configuration of cve.configurations ?? []) {
    if (configuration.negate) continue;
    for (const node of configuration.nodes) {
      if (node.negate) continue;
      for (const match of node.cpeMatch ?? []) {
        if (!match.vulnerable) continue;
        const cpe = parseCpe23(match.criteria);
        if (!cpe || cpe.part !== 'a') continue;
        const product = productForCpe(cpe.vendor, cpe.product);
        if (!product) continue;
        known = true;
        const entry = affectedFromMatch(match, cpe);
        if (!entry) continue;
        const entries = affected.get(product) ?? new Map<string, AffectedVersions>();
        entries.set(JSON.stringify(entry), entry);
        affected.set(product, entries);
      }
    }
  }
  return {
    known,
    affected: new Map([...affected].map(([product, entries]) => [product, [...entries.values()]])),
  };
}

/**
 * Validates a whole NVD CVE JSON 2.0 feed and turns it into rules. Throws a
 * FeedImportError at the first problem, before anything is returned, so a
 * caller never sees part of a broken file. CVEs for products Spectra-Red does
 * not identify are counted as skipped.
 */
export function parseNvdFeed(bytes: Uint8Array): ParsedNvdFeed {
  let text: string;
  try {
    text = decodeFeedBytes(bytes);
  } catch (error) {
    throw new FeedImportError(`cannot decompress the feed file: ${(error as Error).message}`);
  }
  const document = parseJson(text);
  const envelope = requireNvd20(document);
  const rules: VulnerabilityRule[] = [];
  const skippedByReason: Partial<Record<SkipReason, number>> = {};
  const byProduct: Partial<Record<ProductId, number>> = {};
  let cvesWithRules = 0;
  const skip = (reason: SkipReason) => {
    skippedByReason[reason] = (skippedByReason[reason] ?? 0) + 1;
  };

  envelope.vulnerabilities.forEach((item, position) => {
    // One CVE at a time keeps zod's work and the error path bounded on 200k-CVE files.
    const parsed = NvdVulnerability.safeParse(item);
    if (!parsed.success) throw schemaError(parsed.error, item, ['vulnerabilities', position]);
    const { cve } = parsed.data;
    if (cve.vulnStatus === 'Rejected') return skip('rejected');
    const { known, affected } = affectedByProduct(cve);
    if (!known) return skip('unknown-product');
    const metric = chooseMetric(cve);
    if (!metric) return skip('no-cvss-v3');
    if (affected.size === 0) return skip('no-version-criteria');
    const summary = oneLine(cve);
    for (const [product, entries] of affected) {
      rules.push({
        cve: cve.id,
        product,
        affected: entries,
        cvss: {
          version: metric.cvssData.version,
          baseScore: metric.cvssData.baseScore,
          vector: metric.cvssData.vectorString,
        },
        severity: severityFromScore(metric.cvssData.baseScore),
        summary,
        ...(cve.published && { published: cve.published }),
        references: [`https://nvd.nist.gov/vuln/detail/${cve.id}`],
        source: 'nvd-import',
      });
      byProduct[product] = (byProduct[product] ?? 0) + 1;
    }
    cvesWithRules += 1;
  });

  const cves = envelope.vulnerabilities.length;
  return {
    rules,
    cves,
    cvesWithRules,
    skipped: cves - cvesWithRules,
    skippedByReason,
    byProduct,
    timestamp: envelope.timestamp,
  };
}
