import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoredImportSummary, VulnerabilityRule } from '../../shared/vulnerability.js';
import {
  BUNDLED_RULES_FILE_NAME,
  findProjectResourcesDir,
  importFeedFile,
  importNameFor,
  importsDirectory,
  KnowledgeBaseError,
  listImports,
  loadBundledRules,
  loadKnowledgeBase,
  mergeRules,
  removeImport,
} from './knowledge-base.js';
import { FeedImportError } from './nvd-feed-import.js';
import { matchObservation } from './vulnerability-matcher.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const resourcesDir = findProjectResourcesDir();
const fixedClock = () => new Date('2026-11-29T12:00:00.000Z');

let workDir: string;
let knowledgeDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'spectra-knowledge-'));
  knowledgeDir = join(workDir, 'knowledge');
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function snapshot(directory: string): Promise<Record<string, string>> {
  const files = await readdir(directory, { recursive: true }).catch(() => [] as string[]);
  const contents: Record<string, string> = {};
  for (const file of files.sort()) {
    const path = join(directory, file);
    if ((await stat(path)).isFile()) contents[file] = await readFile(path, 'utf8');
  }
  return contents;
}

describe('bundled rules', () => {
  it('are found from the project root and load', async () => {
    expect(resourcesDir.endsWith('resources')).toBe(true);
    const rules = await loadBundledRules(resourcesDir);
    expect(rules.length).toBeGreaterThanOrEqual(40);
  });

  it('refuse to load when broken, naming the file and the place', async () => {
    const brokenDir = join(workDir, 'resources');
    await mkdir(brokenDir);
    const path = join(brokenDir, BUNDLED_RULES_FILE_NAME);
    await writeFile(path, '{"schemaVersion": 1,\n "rules": [');
    await expect(loadBundledRules(brokenDir)).rejects.toThrow(/JSON syntax error at 2:12/);

    const original = JSON.parse(
      await readFile(join(resourcesDir, BUNDLED_RULES_FILE_NAME), 'utf8'),
    );
    original.rules[2].cvss.baseScore = 'high';
    await writeFile(path, JSON.stringify(original));
    await expect(loadBundledRules(brokenDir)).rejects.toThrow(KnowledgeBaseError);
    await expect(loadBundledRules(brokenDir)).rejects.toThrow(/rules\[2\]\.cvss\.baseScore/);

    const mismatched = JSON.parse(
      await readFile(join(resourcesDir, BUNDLED_RULES_FILE_NAME), 'utf8'),
    );
    mismatched.rules[0].severity = 'low';
    await writeFile(path, JSON.stringify(mismatched));
    await expect(loadBundledRules(brokenDir)).rejects.toThrow(/severity does not match/);

    const duplicated = JSON.parse(
      await readFile(join(resourcesDir, BUNDLED_RULES_FILE_NAME), 'utf8'),
    );
    duplicated.rules.push(duplicated.rules[0]);
    await writeFile(path, JSON.stringify(duplicated));
    await expect(loadBundledRules(brokenDir)).rejects.toThrow(/appears twice/);

    await expect(loadBundledRules(join(workDir, 'missing'))).rejects.toThrow(/cannot read/);
  });
});

describe('importFeedFile', () => {
  it('validates, stores atomically and summarises', async () => {
    const summary = await importFeedFile(join(fixtures, 'nvd-feed-valid.json'), knowledgeDir, {
      now: fixedClock,
    });
    expect(summary).toMatchObject({
      name: 'nvd-feed-valid',
      importedAt: '2026-11-29T12:00:00.000Z',
      kind: 'nvd-cve',
      cves: 9,
      cvesWithRules: 7,
      rulesAdded: 9,
      skipped: 2,
      byProduct: { 'openbsd:openssh': 3, 'apache:http_server': 1, 'oracle:mysql': 1 },
      unchanged: false,
    });
    const files = await readdir(importsDirectory(knowledgeDir));
    expect(files.sort()).toEqual(['nvd-feed-valid.data.jsonl', 'nvd-feed-valid.json']);
    const stored = StoredImportSummary.parse(
      JSON.parse(
        await readFile(join(importsDirectory(knowledgeDir), 'nvd-feed-valid.json'), 'utf8'),
      ),
    );
    expect(stored.summary).toEqual(summary);
    const lines = (
      await readFile(join(importsDirectory(knowledgeDir), 'nvd-feed-valid.data.jsonl'), 'utf8')
    )
      .trim()
      .split('\n');
    expect(lines).toHaveLength(9);
    for (const line of lines) VulnerabilityRule.parse(JSON.parse(line));
  });

  it('is idempotent for the same file', async () => {
    const feed = join(fixtures, 'nvd-feed-valid.json');
    const first = await importFeedFile(feed, knowledgeDir, { now: fixedClock });
    const before = await snapshot(knowledgeDir);
    const second = await importFeedFile(feed, knowledgeDir, { now: () => new Date() });
    expect(second).toEqual({ ...first, unchanged: true });
    expect(await snapshot(knowledgeDir)).toEqual(before);
    expect(await listImports(knowledgeDir)).toHaveLength(1);
  });

  it.each([
    ['nvd-feed-truncated.txt', /JSON syntax error at \d+:\d+/],
    ['nvd-feed-schema-broken.json', /vulnerabilities\[3\]\.cve\.id: expected string/],
    ['nvd-feed-1.1.json', /NVD 1\.1 feed/],
  ])('refuses %s and leaves existing knowledge untouched', async (file, message) => {
    await importFeedFile(join(fixtures, 'nvd-feed-valid.json'), knowledgeDir, { now: fixedClock });
    const before = await snapshot(knowledgeDir);
    // Same import name as the good file, so a partial write would be visible.
    const promise = importFeedFile(join(fixtures, file), knowledgeDir, { name: 'nvd-feed-valid' });
    await expect(promise).rejects.toThrow(FeedImportError);
    await expect(
      importFeedFile(join(fixtures, file), knowledgeDir, { name: 'nvd-feed-valid' }),
    ).rejects.toThrow(message);
    expect(await snapshot(knowledgeDir)).toEqual(before);
  });

  it('replaces an import when a changed file comes under the same name', async () => {
    const feedDir = join(workDir, 'feeds');
    await mkdir(feedDir);
    const feedPath = join(feedDir, 'nvdcve-2.0-recent.json');
    await copyFile(join(fixtures, 'nvd-feed-valid.json'), feedPath);
    await importFeedFile(feedPath, knowledgeDir, { now: fixedClock });
    const feed = JSON.parse(await readFile(feedPath, 'utf8'));
    feed.vulnerabilities = feed.vulnerabilities.slice(0, 1);
    await writeFile(feedPath, JSON.stringify(feed));
    const summary = await importFeedFile(feedPath, knowledgeDir, { now: fixedClock });
    expect(summary).toMatchObject({
      name: 'nvdcve-2.0-recent',
      cves: 1,
      rulesAdded: 1,
      unchanged: false,
    });
    expect(await listImports(knowledgeDir)).toHaveLength(1);
  });

  it('rejects import names that could leave the imports directory', async () => {
    await expect(
      importFeedFile(join(fixtures, 'nvd-feed-valid.json'), knowledgeDir, { name: '../escape' }),
    ).rejects.toThrow(/invalid import name/);
    await expect(removeImport(knowledgeDir, '../../etc/passwd')).rejects.toThrow(
      /invalid import name/,
    );
    expect(importNameFor('/downloads/nvdcve-2.0-2021.json.gz')).toBe('nvdcve-2.0-2021');
    expect(importNameFor('/downloads/my feed (1).json')).toBe('my-feed-1-');
  });
});

describe('listImports and removeImport', () => {
  it('list stored imports oldest first and remove them by name', async () => {
    expect(await listImports(knowledgeDir)).toEqual([]);
    await importFeedFile(join(fixtures, 'nvd-feed-valid.json'), knowledgeDir, {
      name: 'second',
      now: () => new Date('2026-11-29T13:00:00.000Z'),
    });
    await importFeedFile(join(fixtures, 'nvd-feed-valid.json'), knowledgeDir, {
      name: 'first',
      now: fixedClock,
    });
    const listed = await listImports(knowledgeDir);
    expect(listed.map((entry) => entry.name)).toEqual(['first', 'second']);
    expect(await removeImport(knowledgeDir, 'first')).toBe(true);
    expect(await removeImport(knowledgeDir, 'first')).toBe(false);
    expect((await listImports(knowledgeDir)).map((entry) => entry.name)).toEqual(['second']);
  });

  it('report an unreadable import instead of failing', async () => {
    await mkdir(importsDirectory(knowledgeDir), { recursive: true });
    await writeFile(join(importsDirectory(knowledgeDir), 'damaged.json'), '{"rules": [');
    const listed = await listImports(knowledgeDir);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      name: 'damaged',
      error: expect.stringContaining('unreadable'),
    });
    const knowledge = await loadKnowledgeBase({ resourcesDir, knowledgeDir });
    expect(knowledge.rules.length).toBe(knowledge.bundledRuleCount);
  });
});

describe('loadKnowledgeBase', () => {
  it('merges imports over bundled rules: same CVE and product is superseded, new ones added', async () => {
    const bundled = await loadBundledRules(resourcesDir);
    await importFeedFile(join(fixtures, 'nvd-feed-valid.json'), knowledgeDir, { now: fixedClock });
    const knowledge = await loadKnowledgeBase({ resourcesDir, knowledgeDir });

    const keys = knowledge.rules.map((rule) => `${rule.cve}|${rule.product}`);
    expect(new Set(keys).size).toBe(keys.length);
    const traversal = knowledge.rules.filter((rule) => rule.cve === 'CVE-2021-41773');
    expect(traversal).toHaveLength(1);
    expect(traversal[0]!.source).toBe('nvd-import');
    // CVE-2016-6663 is bundled only: untouched. The feed adds what the bundle lacks,
    // including the v2-only CVE-2008-5161 and products outside the bundle (log4j, Percona).
    expect(knowledge.rules.find((rule) => rule.cve === 'CVE-2016-6663')?.source).toBe('bundled');
    const added = knowledge.rules
      .filter(
        (rule) =>
          !bundled.some((old) => `${old.cve}|${old.product}` === `${rule.cve}|${rule.product}`),
      )
      .map((rule) => `${rule.cve}|${rule.product}`)
      .sort();
    expect(added).toContain('CVE-2008-5161|openbsd:openssh');
    expect(added).toContain('CVE-2021-44228|apache:log4j');
    expect(added).toContain('CVE-2016-6662|percona:percona_server');

    const apache = {
      host: '127.10.0.10',
      port: 80,
      protocol: 'tcp' as const,
      state: 'open' as const,
      product: 'apache_httpd',
      version: '2.4.49',
      engine: 'builtin' as const,
      observedAt: '2026-11-29T12:00:00.000Z',
    };
    const finding = matchObservation(apache, knowledge.index).find(
      (candidate) => candidate.cve === 'CVE-2021-41773',
    );
    expect(finding?.summary).toMatch(/^A flaw was found in a change made to path normalization/);
  });

  it('lets a later import supersede an earlier one', () => {
    const base = {
      product: 'openbsd:openssh',
      cvss: {
        version: '3.1' as const,
        baseScore: 5.3,
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N',
      },
      severity: 'medium' as const,
      affected: [{ versionEndExcluding: '7.8' }],
    };
    const merged = mergeRules(
      [{ ...base, cve: 'CVE-2018-15473', summary: 'bundled', source: 'bundled' }],
      [
        [{ ...base, cve: 'CVE-2018-15473', summary: 'older import', source: 'nvd-import' }],
        [{ ...base, cve: 'CVE-2018-15473', summary: 'newer import', source: 'nvd-import' }],
      ],
    );
    expect(merged.map((rule) => rule.summary)).toEqual(['newer import']);
  });
});
