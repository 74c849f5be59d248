import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedImportError } from './feed-file-reader.js';
import {
  detectFeedKind,
  findProjectResourcesDir,
  importFeedFile,
  listImports,
  loadKnowledgeBase,
} from './knowledge-base.js';

const fixtures = join(import.meta.dirname, 'fixtures');
let workDir: string;
let knowledgeDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'spectra-feeds-'));
  knowledgeDir = join(workDir, 'knowledge');
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<FeedImportError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FeedImportError) return error;
    throw error;
  }
  throw new Error('the feed was accepted');
}

describe('feed kinds', () => {
  it('are told apart by their contents, gzipped or not', async () => {
    expect(await detectFeedKind(join(fixtures, 'nvd-feed-lab.json'))).toBe('nvd-cve');
    expect(await detectFeedKind(join(fixtures, 'kev-catalog.json'))).toBe('kev');
    expect(await detectFeedKind(join(fixtures, 'epss-scores.csv'))).toBe('epss');
    const zipped = join(workDir, 'epss_scores-2025-11-03.csv.gz');
    await writeFile(zipped, gzipSync(await readFile(join(fixtures, 'epss-scores.csv'))));
    expect(await detectFeedKind(zipped)).toBe('epss');
    const other = join(workDir, 'notes.txt');
    await writeFile(other, 'hello');
    expect((await refusal(detectFeedKind(other))).message).toMatch(/^not a known feed/);
  });

  it('import EPSS and KEV under fixed names, with their dates, and load them by CVE', async () => {
    const epss = await importFeedFile(join(fixtures, 'epss-scores.csv'), knowledgeDir);
    expect(epss).toMatchObject({
      kind: 'epss',
      name: 'epss',
      cves: 4,
      epss: { modelVersion: 'v2025.03.14', scoreDate: '2025-11-03T12:55:00Z' },
    });
    const kev = await importFeedFile(join(fixtures, 'kev-catalog.json'), knowledgeDir);
    expect(kev).toMatchObject({
      kind: 'kev',
      name: 'kev',
      cves: 2,
      kev: { catalogVersion: '2025.11.03' },
    });
    expect((await listImports(knowledgeDir)).map((entry) => entry.name).sort()).toEqual([
      'epss',
      'kev',
    ]);
    const knowledge = await loadKnowledgeBase({
      resourcesDir: findProjectResourcesDir(),
      knowledgeDir,
    });
    expect(knowledge.exploitation.epss.get('CVE-2018-10933')).toEqual({
      score: 0.94012,
      percentile: 0.99901,
      scoreDate: '2025-11-03T12:55:00Z',
      modelVersion: 'v2025.03.14',
    });
    expect(knowledge.exploitation.kev.get('CVE-2016-5195')).toEqual({
      dateAdded: '2022-03-03',
      knownRansomwareCampaignUse: 'Known',
      dueDate: '2022-03-24',
    });
  });

  it.each([
    [
      'a bad score',
      '#model_version:v1,score_date:2025-11-03\ncve,epss,percentile\nCVE-2020-0001,1.7,0.5\n',
      /EPSS CSV line 3: epss "1\.7"/,
    ],
    ['a bad CVE id', 'cve,epss,percentile\nCVE-20-1,0.1,0.5\n', /EPSS CSV line 2: not a CVE id/],
    ['a missing field', 'cve,epss,percentile\nCVE-2020-0001,0.1\n', /line 2: expected 3 fields/],
    ['no header', '#model_version:v1\n', /no "cve,epss,percentile" header/],
  ])('refuse an EPSS file with %s whole, changing nothing', async (_label, text, message) => {
    await importFeedFile(join(fixtures, 'epss-scores.csv'), knowledgeDir);
    const before = await readdir(join(knowledgeDir, 'imports'));
    const path = join(workDir, 'epss.csv');
    await writeFile(path, text);
    expect((await refusal(importFeedFile(path, knowledgeDir))).message).toMatch(message);
    expect(await readdir(join(knowledgeDir, 'imports'))).toEqual(before);
  });

  it('refuses a truncated or inconsistent KEV catalog', async () => {
    const catalog = JSON.parse(await readFile(join(fixtures, 'kev-catalog.json'), 'utf8'));
    const path = join(workDir, 'known_exploited_vulnerabilities.json');
    await writeFile(path, JSON.stringify({ ...catalog, count: 3 }));
    expect((await refusal(importFeedFile(path, knowledgeDir))).message).toMatch(
      /count 3 but holds 2/,
    );
    catalog.vulnerabilities[1].dateAdded = 'yesterday';
    await writeFile(path, JSON.stringify(catalog));
    expect((await refusal(importFeedFile(path, knowledgeDir))).message).toMatch(
      /^vulnerabilities\[1\]\.dateAdded: expected a YYYY-MM-DD date/,
    );
    await writeFile(path, JSON.stringify(catalog).slice(0, 200));
    expect((await refusal(importFeedFile(path, knowledgeDir))).message).toMatch(
      /JSON syntax error at 1:\d+/,
    );
    await expect(readdir(join(knowledgeDir, 'imports'))).resolves.toEqual([]);
  });
});

describe('gzip bomb', () => {
  it('is refused in one line, in bounded memory, with nothing written', async () => {
    // 3 GiB of JSON whitespace inside a valid NVD envelope, as 48 concatenated gzip members of 64 MiB:
    // ~3 MB on disk. Without a cap it would be read to the end; with one it stops at the cap.
    const path = join(workDir, 'bomb.json.gz');
    const out = createWriteStream(path);
    out.write(gzipSync('{"format":"NVD_CVE","version":"2.0","vulnerabilities":['));
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
    for (let copy = 0; copy < 48; copy += 1) out.write(member);
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    const compressed = (await readFile(path)).length;
    expect(compressed).toBeLessThan(4 * 1024 * 1024);

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    const error = await refusal(
      importFeedFile(path, knowledgeDir, { maxDecompressedBytes: 256 * 1024 * 1024 }),
    ).finally(() => clearInterval(sampler));
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `gzip bomb (${(compressed / 1e6).toFixed(1)} MB -> 3 GiB) refused in ${seconds.toFixed(1)} s, RSS +${((peak - rssBefore) / 1e6).toFixed(0)} MB`,
    );
    expect(error.message).toBe(
      'the gzip file decompresses to more than 256 MiB (a decompression bomb?); refused',
    );
    expect(error.message.split('\n')).toHaveLength(1);
    expect(peak - rssBefore).toBeLessThan(200 * 1024 * 1024);
    const left = await readdir(join(knowledgeDir, 'imports')).catch(() => []);
    expect(left).toEqual([]);
  }, 120_000);
});
