import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import {
  FeedImportSummary,
  StoredEpssLine,
  StoredImportSummary,
  StoredKevLine,
  VULNERABILITY_RULES_SCHEMA_VERSION,
  VulnerabilityRule,
  VulnerabilityRuleFile,
  type EpssScore,
  type FeedKind,
  type KevEntry,
} from '../../shared/vulnerability.js';
import {
  FeedImportError,
  hashFile,
  openFeedBytes,
  peekFeedBytes,
  type FeedReadOptions,
} from './feed-file-reader.js';
import { locateJsonSyntaxError } from './json-syntax-error.js';
import { VulnerabilityRuleIndex, type ExploitationData } from './vulnerability-matcher.js';

export const BUNDLED_RULES_FILE_NAME = 'vulnerability-rules.json';

/** The knowledge directory or the bundled rules cannot be used; the message says which file and why. */
export class KnowledgeBaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KnowledgeBaseError';
  }
}

/**
 * The project's `resources/` directory, found by walking up from `startDir`
 * to the first directory holding package.json and resources/. For dev runs
 * and tests; a packaged app passes its own resources path instead.
 */
export function findProjectResourcesDir(
  startDir: string = dirname(fileURLToPath(import.meta.url)),
): string {
  let directory = resolve(startDir);
  for (;;) {
    const candidate = join(directory, 'resources');
    if (existsSync(join(directory, 'package.json')) && existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) {
      throw new KnowledgeBaseError(`no project resources/ directory above ${startDir}`);
    }
    directory = parent;
  }
}

function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path
        .map((segment, position) =>
          typeof segment === 'number' ? `[${segment}]` : `${position ? '.' : ''}${String(segment)}`,
        )
        .join('');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

function ruleKey(rule: VulnerabilityRule): string {
  return `${rule.cve}|${rule.product}`;
}

/**
 * Loads resources/vulnerability-rules.json. Anything wrong with it (missing,
 * bad JSON, a field out of schema, a version bound that is not a version, a
 * duplicate CVE+product) is a KnowledgeBaseError naming the file and the
 * place: shipping a broken rules file must fail loudly, not match nothing.
 */
export async function loadBundledRules(resourcesDir: string): Promise<VulnerabilityRule[]> {
  const path = join(resourcesDir, BUNDLED_RULES_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new KnowledgeBaseError(`cannot read the bundled vulnerability rules ${path}`, {
      cause: error,
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    const location = locateJsonSyntaxError(text);
    const place = location ? ` at ${location.line}:${location.column} (${location.reason})` : '';
    throw new KnowledgeBaseError(`bundled vulnerability rules ${path}: JSON syntax error${place}`);
  }
  const parsed = VulnerabilityRuleFile.safeParse(document);
  if (!parsed.success) {
    throw new KnowledgeBaseError(
      `bundled vulnerability rules ${path} do not match the schema: ${describeZodError(parsed.error)}`,
    );
  }
  const seen = new Set<string>();
  for (const rule of parsed.data.rules) {
    if (seen.has(ruleKey(rule))) {
      throw new KnowledgeBaseError(
        `bundled vulnerability rules ${path}: ${rule.cve} for ${rule.product} appears twice`,
      );
    }
    seen.add(ruleKey(rule));
  }
  try {
    new VulnerabilityRuleIndex(parsed.data.rules);
  } catch (error) {
    throw new KnowledgeBaseError(
      `bundled vulnerability rules ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return parsed.data.rules;
}

/** Where imported rule sets live: `<knowledgeDir>/imports/<name>.json`. */
export function importsDirectory(knowledgeDir: string): string {
  return join(knowledgeDir, 'imports');
}

const IMPORT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The import name for a feed file: its base name without `.json`/`.gz`, safe as a file name. */
export function importNameFor(feedPath: string): string {
  const stem = basename(feedPath)
    .replace(/\.gz$/i, '')
    .replace(/\.json$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return stem || 'feed';
}

function importPath(knowledgeDir: string, name: string): string {
  // Names come from the analyst (CLI, UI): never let one escape the imports directory.
  if (!IMPORT_NAME.test(name)) {
    throw new KnowledgeBaseError(
      `invalid import name "${name}": use letters, digits, '.', '_' and '-'`,
    );
  }
  return join(importsDirectory(knowledgeDir), `${name}.json`);
}

function dataPath(knowledgeDir: string, name: string): string {
  return join(importsDirectory(knowledgeDir), `${name}${DATA_SUFFIX}`);
}

const DATA_SUFFIX = '.data.jsonl';

/** The summary of a stored import, or undefined when there is none or it is unreadable. */
async function readStoredSummary(path: string): Promise<FeedImportSummary | undefined> {
  try {
    const parsed = StoredImportSummary.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data.summary : undefined;
  } catch {
    return undefined;
  }
}

function temporaryPathFor(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/**
 * Writes through a temporary file in the same directory, flushed, then
 * renamed over the target: a crash leaves either the old file or the new
 * one, never half of one.
 */
async function writeFileAtomically(path: string, contents: string): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * A JSON-lines file written line by line into a temporary file, buffered in
 * ~1 MB pieces so neither a 200,000-line import nor its writes pile up in
 * memory; `commit` flushes and renames it into place, `discard` deletes it.
 */
class JsonLinesWriter {
  private readonly temporary: string;
  private descriptor: number;
  private pending: string[] = [];
  private pendingLength = 0;
  lines = 0;

  constructor(private readonly path: string) {
    this.temporary = temporaryPathFor(path);
    this.descriptor = openSync(this.temporary, 'wx', 0o600);
  }

  write(value: unknown): void {
    const line = `${JSON.stringify(value)}\n`;
    this.pending.push(line);
    this.pendingLength += line.length;
    this.lines += 1;
    if (this.pendingLength >= 1024 * 1024) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.descriptor, this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }

  async commit(): Promise<void> {
    this.flush();
    fsyncSync(this.descriptor);
    closeSync(this.descriptor);
    this.descriptor = -1;
    await rename(this.temporary, this.path);
  }

  async discard(): Promise<void> {
    if (this.descriptor >= 0) closeSync(this.descriptor);
    this.descriptor = -1;
    await rm(this.temporary, { force: true });
  }
}

export interface ImportFeedOptions {
  /** Import name; defaults to the feed file's base name (`nvdcve-2.0-2021`), `epss` or `kev`. */
  name?: string;
  /** Clock for `importedAt`; tests pin it. */
  now?: () => Date;
  /** Refuse a gzip file that decompresses to more than this (default 1 GiB). */
  maxDecompressedBytes?: number;
}

/** What kind of feed a file holds, from its first decoded bytes. */
export async function detectFeedKind(
  feedPath: string,
  options: FeedReadOptions = {},
): Promise<FeedKind> {
  const head = (await peekFeedBytes(feedPath, 64 * 1024, options))
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^#model_version/i.test(head) || /^cve,epss/i.test(head)) return 'epss';
  if (head.startsWith('{') && /"catalogVersion"\s*:|"CISA Catalog of Known Exploited/.test(head)) {
    return 'kev';
  }
  if (head.startsWith('{') || head.startsWith('[')) return 'nvd-cve';
  throw new FeedImportError(
    'not a known feed: expected NVD CVE JSON 2.0, a FIRST EPSS CSV (#model_version...) or the CISA KEV catalog JSON',
  );
}

interface FeedContents {
  readonly cves: number;
  readonly cvesWithRules: number;
  readonly rulesAdded: number;
  readonly skipped: number;
  readonly skippedByReason: FeedImportSummary['skippedByReason'];
  readonly byProduct: Record<string, number>;
  readonly products?: number;
  readonly epss?: FeedImportSummary['epss'];
  readonly kev?: FeedImportSummary['kev'];
}

async function readFeedInto(
  kind: FeedKind,
  feedPath: string,
  writer: JsonLinesWriter,
  options: FeedReadOptions,
): Promise<FeedContents> {
  const openBytes = () => openFeedBytes(feedPath, options);
  // The feed readers (a CVSS calculator, a streaming JSON parser) load with the
  // first import: a host that imports nothing never holds them in memory.
  if (kind === 'nvd-cve') {
    const { readNvdFeed } = await import('./nvd-feed-import.js');
    const statistics = await readNvdFeed(openBytes, (rule) => writer.write(rule));
    return statistics;
  }
  const empty = { cvesWithRules: 0, rulesAdded: 0, skipped: 0, skippedByReason: {}, byProduct: {} };
  const { readEpssFeed, readKevCatalog } = await import('./exploitation-feeds.js');
  if (kind === 'epss') {
    const { count, ...epss } = await readEpssFeed(openBytes, (line) => writer.write(line));
    return { cves: count, ...empty, epss };
  }
  const { count, ...kev } = await readKevCatalog(openBytes, (entry) => writer.write(entry));
  return { cves: count, ...empty, kev };
}

/**
 * Imports a feed file: NVD CVE JSON 2.0 (rules), a FIRST EPSS CSV or the
 * CISA KEV catalog, plain or gzipped, told apart by their contents. The file
 * is streamed (memory stays bounded whatever its size) and validated whole
 * while its data goes to a temporary file; only when all of it passed is
 * that renamed into place, so a refused file (FeedImportError) leaves the
 * knowledge directory exactly as it was. Importing the same bytes under the
 * same name again writes nothing and reports `unchanged: true`. EPSS and KEV
 * imports are named `epss` and `kev`: a newer file replaces the older one.
 */
export async function importFeedFile(
  feedPath: string,
  knowledgeDir: string,
  options: ImportFeedOptions = {},
): Promise<FeedImportSummary> {
  const readOptions = { maxDecompressedBytes: options.maxDecompressedBytes };
  const kind = await detectFeedKind(feedPath, readOptions);
  const name = options.name ?? (kind === 'nvd-cve' ? importNameFor(feedPath) : kind);
  const targetPath = importPath(knowledgeDir, name);
  const sourceSha256 = await hashFile(feedPath);
  const previous = await readStoredSummary(targetPath);
  if (previous?.sourceSha256 === sourceSha256 && previous.kind === kind) {
    return { ...previous, unchanged: true };
  }

  await mkdir(importsDirectory(knowledgeDir), { recursive: true });
  const writer = new JsonLinesWriter(dataPath(knowledgeDir, name));
  let contents: FeedContents;
  try {
    contents = await readFeedInto(kind, feedPath, writer, readOptions);
  } catch (error) {
    await writer.discard();
    throw error;
  }
  const importedAt = (options.now?.() ?? new Date()).toISOString();
  const summary = FeedImportSummary.parse({
    kind,
    name,
    sourceFile: resolve(feedPath),
    sourceSha256,
    importedAt,
    ...contents,
    unchanged: false,
  });
  // Data first, then the summary that names it: a summary always describes data that is there.
  await writer.commit();
  const stored: StoredImportSummary = {
    schemaVersion: VULNERABILITY_RULES_SCHEMA_VERSION,
    summary,
  };
  await writeFileAtomically(targetPath, `${JSON.stringify(stored)}\n`);
  return summary;
}

/** One stored import: its summary, or why it could not be read (it is then left out of matching). */
export type ImportListEntry =
  | { readonly name: string; readonly path: string; readonly summary: FeedImportSummary }
  | { readonly name: string; readonly path: string; readonly error: string };

async function* readJsonLines(path: string): AsyncGenerator<unknown> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.length === 0) continue;
    try {
      yield JSON.parse(line);
    } catch {
      throw new Error(`${basename(path)} line ${number} is not JSON`);
    }
  }
}

/** Every readable import's summary, oldest first (later imports supersede earlier ones). */
async function readImportSummaries(knowledgeDir: string): Promise<ImportListEntry[]> {
  const directory = importsDirectory(knowledgeDir);
  let files: string[];
  try {
    files = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: ImportListEntry[] = [];
  for (const file of files) {
    if (!file.endsWith('.json') || file.startsWith('.')) continue;
    const name = file.slice(0, -'.json'.length);
    const path = join(directory, file);
    const summary = await readStoredSummary(path);
    if (summary && existsSync(dataPath(knowledgeDir, name))) entries.push({ name, path, summary });
    else entries.push({ name, path, error: 'unreadable import: summary or data file damaged' });
  }
  return entries.sort((left, right) => {
    const leftTime = 'summary' in left ? left.summary.importedAt : '';
    const rightTime = 'summary' in right ? right.summary.importedAt : '';
    return leftTime < rightTime ? -1 : leftTime > rightTime ? 1 : left.name < right.name ? -1 : 1;
  });
}

/** Stored imports, oldest first. */
export async function listImports(knowledgeDir: string): Promise<ImportListEntry[]> {
  return readImportSummaries(knowledgeDir);
}

/** Deletes one import; false when there was none by that name. */
export async function removeImport(knowledgeDir: string, name: string): Promise<boolean> {
  const path = importPath(knowledgeDir, name);
  if (!existsSync(path)) return false;
  await rm(path);
  await rm(dataPath(knowledgeDir, name), { force: true });
  return true;
}

/**
 * Bundled rules overlaid with imported rule sets in order: a rule for the
 * same CVE and product from a later set replaces the earlier one (NVD's
 * current analysis beats what shipped with the app).
 */
export function mergeRules(
  bundled: readonly VulnerabilityRule[],
  imported: ReadonlyArray<readonly VulnerabilityRule[]> = [],
): VulnerabilityRule[] {
  const merged = new Map<string, VulnerabilityRule>();
  for (const rule of bundled) merged.set(ruleKey(rule), rule);
  for (const rules of imported) {
    for (const rule of rules) merged.set(ruleKey(rule), rule);
  }
  return [...merged.values()];
}

export interface KnowledgeBase {
  readonly rules: readonly VulnerabilityRule[];
  readonly index: VulnerabilityRuleIndex;
  readonly bundledRuleCount: number;
  readonly imports: readonly ImportListEntry[];
  readonly exploitation: ExploitationData;
}

async function readImportData(
  knowledgeDir: string,
  entry: { name: string; summary: FeedImportSummary },
  target: {
    rules: VulnerabilityRule[][];
    exploitation: { kev: Map<string, KevEntry>; epss: Map<string, EpssScore> };
  },
): Promise<void> {
  const path = dataPath(knowledgeDir, entry.name);
  if (entry.summary.kind === 'nvd-cve') {
    const rules: VulnerabilityRule[] = [];
    for await (const value of readJsonLines(path)) rules.push(VulnerabilityRule.parse(value));
    target.rules.push(rules);
    return;
  }
  if (entry.summary.kind === 'kev') {
    for await (const value of readJsonLines(path)) {
      const { cve, ...kev } = StoredKevLine.parse(value);
      target.exploitation.kev.set(cve, kev);
    }
    return;
  }
  const { scoreDate, modelVersion } = entry.summary.epss ?? {};
  for await (const value of readJsonLines(path)) {
    const [cve, score, percentile] = StoredEpssLine.parse(value);
    target.exploitation.epss.set(cve, {
      score,
      percentile,
      ...(scoreDate && { scoreDate }),
      ...(modelVersion && { modelVersion }),
    });
  }
}

/**
 * Everything the matcher needs: bundled rules (a broken bundled file
 * throws) merged with every readable import, plus the EPSS and KEV data
 * (an unreadable import is listed with its error and skipped, so one
 * damaged file cannot stop scanning).
 */
export async function loadKnowledgeBase(locations: {
  resourcesDir: string;
  knowledgeDir: string;
}): Promise<KnowledgeBase> {
  const bundled = await loadBundledRules(locations.resourcesDir);
  const entries = await readImportSummaries(locations.knowledgeDir);
  const loaded = {
    rules: [] as VulnerabilityRule[][],
    exploitation: { kev: new Map<string, KevEntry>(), epss: new Map<string, EpssScore>() },
  };
  const imports: ImportListEntry[] = [];
  for (const entry of entries) {
    if (!('summary' in entry)) {
      imports.push(entry);
      continue;
    }
    try {
      await readImportData(locations.knowledgeDir, entry, loaded);
      imports.push(entry);
    } catch (error) {
      imports.push({
        name: entry.name,
        path: entry.path,
        error: `unreadable import: ${(error as Error).message}`,
      });
    }
  }
  const rules = mergeRules(bundled, loaded.rules);
  return {
    rules,
    index: new VulnerabilityRuleIndex(rules, loaded.exploitation),
    bundledRuleCount: bundled.length,
    imports,
    exploitation: loaded.exploitation,
  };
}
