import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import {
  FeedImportSummary,
  StoredImport,
  VULNERABILITY_RULES_SCHEMA_VERSION,
  VulnerabilityRuleFile,
  type VulnerabilityRule,
} from '../../shared/vulnerability.js';
import { locateJsonSyntaxError } from './json-syntax-error.js';
import { FeedImportError, parseNvdFeed } from './nvd-feed-import.js';
import { VulnerabilityRuleIndex } from './vulnerability-matcher.js';

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

async function readStoredImport(path: string): Promise<StoredImport> {
  const text = await readFile(path, 'utf8');
  return StoredImport.parse(JSON.parse(text));
}

/**
 * Only the summary of a stored import, or undefined when there is none or it
 * is unreadable; enough to recognise a file imported before without
 * validating tens of thousands of rules again.
 */
async function readStoredSummary(path: string): Promise<FeedImportSummary | undefined> {
  try {
    const document = JSON.parse(await readFile(path, 'utf8')) as { summary?: unknown };
    const summary = FeedImportSummary.safeParse(document.summary);
    return summary.success ? summary.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes through a temporary file in the same directory, flushed, then
 * renamed over the target: a crash leaves either the old file or the new
 * one, never half of one.
 */
async function writeFileAtomically(path: string, contents: string): Promise<void> {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
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

export interface ImportFeedOptions {
  /** Import name; defaults to the feed file's base name (`nvdcve-2.0-2021`). */
  name?: string;
  /** Clock for `importedAt`; tests pin it. */
  now?: () => Date;
}

/**
 * Imports an NVD CVE JSON 2.0 feed file. The whole file is validated and
 * converted before anything is written, and the rule set is then stored
 * atomically, so a refused file (FeedImportError) leaves the knowledge
 * directory exactly as it was. Importing the same bytes under the same name
 * again writes nothing and reports `unchanged: true`; different bytes under
 * an existing name replace that import.
 */
export async function importFeedFile(
  feedPath: string,
  knowledgeDir: string,
  options: ImportFeedOptions = {},
): Promise<FeedImportSummary> {
  const name = options.name ?? importNameFor(feedPath);
  const targetPath = importPath(knowledgeDir, name);
  let bytes: Buffer;
  try {
    bytes = await readFile(feedPath);
  } catch (error) {
    throw new FeedImportError(`cannot read ${feedPath}: ${(error as Error).message}`);
  }
  const sourceSha256 = createHash('sha256').update(bytes).digest('hex');
  const previous = await readStoredSummary(targetPath);
  if (previous?.sourceSha256 === sourceSha256) return { ...previous, unchanged: true };

  const feed = parseNvdFeed(bytes);
  const importedAt = (options.now?.() ?? new Date()).toISOString();
  const summary = FeedImportSummary.parse({
    name,
    sourceFile: resolve(feedPath),
    sourceSha256,
    importedAt,
    cves: feed.cves,
    cvesWithRules: feed.cvesWithRules,
    rulesAdded: feed.rules.length,
    skipped: feed.skipped,
    skippedByReason: feed.skippedByReason,
    byProduct: feed.byProduct,
    unchanged: false,
  });
  const stored: StoredImport = {
    schemaVersion: VULNERABILITY_RULES_SCHEMA_VERSION,
    generated: importedAt,
    rules: feed.rules,
    summary,
  };
  // The same checks loading will apply, so a stored import can always be loaded back.
  const checked = StoredImport.safeParse(stored);
  if (!checked.success) {
    throw new FeedImportError(`feed produced invalid rules: ${describeZodError(checked.error)}`);
  }

  await mkdir(importsDirectory(knowledgeDir), { recursive: true });
  await writeFileAtomically(targetPath, `${JSON.stringify(stored)}\n`);
  return summary;
}

/** One stored import: its summary, or why it could not be read (it is then left out of matching). */
export type ImportListEntry =
  | { readonly name: string; readonly path: string; readonly summary: FeedImportSummary }
  | { readonly name: string; readonly path: string; readonly error: string };

async function readImports(
  knowledgeDir: string,
): Promise<Array<ImportListEntry & { rules?: VulnerabilityRule[] }>> {
  const directory = importsDirectory(knowledgeDir);
  let files: string[];
  try {
    files = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: Array<ImportListEntry & { rules?: VulnerabilityRule[] }> = [];
  for (const file of files) {
    if (!file.endsWith('.json') || file.startsWith('.')) continue;
    const name = file.slice(0, -'.json'.length);
    const path = join(directory, file);
    try {
      const stored = await readStoredImport(path);
      entries.push({ name, path, summary: stored.summary, rules: stored.rules });
    } catch (error) {
      entries.push({ name, path, error: `unreadable import: ${(error as Error).message}` });
    }
  }
  // Later imports supersede earlier ones, so the order is part of the meaning.
  return entries.sort((left, right) => {
    const leftTime = 'summary' in left ? left.summary.importedAt : '';
    const rightTime = 'summary' in right ? right.summary.importedAt : '';
    return leftTime < rightTime ? -1 : leftTime > rightTime ? 1 : left.name < right.name ? -1 : 1;
  });
}

/** Stored imports, oldest first. */
export async function listImports(knowledgeDir: string): Promise<ImportListEntry[]> {
  const entries = await readImports(knowledgeDir);
  return entries.map((entry) => {
    if ('summary' in entry) return { name: entry.name, path: entry.path, summary: entry.summary };
    return entry;
  });
}

/** Deletes one import; false when there was none by that name. */
export async function removeImport(knowledgeDir: string, name: string): Promise<boolean> {
  const path = importPath(knowledgeDir, name);
  if (!existsSync(path)) return false;
  await rm(path);
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
}

/**
 * Everything the matcher needs: bundled rules (a broken bundled file
 * throws) merged with every readable import (an unreadable import is listed
 * with its error and skipped, so one damaged file cannot stop scanning).
 */
export async function loadKnowledgeBase(locations: {
  resourcesDir: string;
  knowledgeDir: string;
}): Promise<KnowledgeBase> {
  const bundled = await loadBundledRules(locations.resourcesDir);
  const entries = await readImports(locations.knowledgeDir);
  const rules = mergeRules(
    bundled,
    entries.flatMap((entry) => (entry.rules ? [entry.rules] : [])),
  );
  return {
    rules,
    index: new VulnerabilityRuleIndex(rules),
    bundledRuleCount: bundled.length,
    imports: entries.map((entry) =>
      'summary' in entry ? { name: entry.name, path: entry.path, summary: entry.summary } : entry,
    ),
  };
}
