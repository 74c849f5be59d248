import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { VulnerabilityRule } from '../../shared/vulnerability.js';
import { parseCpe23 } from './cpe.js';
import { openFeedBytes } from './feed-file-reader.js';
import { locateJsonSyntaxError } from './json-syntax-error.js';
import { FeedImportError, readNvdFeed } from './nvd-feed-import.js';
import { isVersionAffected } from './version-compare.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(fixtures, name));
const bytesOf = (value: unknown) => Buffer.from(JSON.stringify(value));
const scratch = mkdtempSync(join(tmpdir(), 'spectra-nvd-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;

/** Streams the bytes through the import as a file, the way `feeds import` reads it. */
async function parseNvdFeed(bytes: Uint8Array) {
  const path = join(scratch, `feed-${(files += 1)}`);
  writeFileSync(path, bytes);
  const rules: VulnerabilityRule[] = [];
  const statistics = await readNvdFeed(
    () => openFeedBytes(path),
    (rule) => rules.push(rule),
  );
  return { ...statistics, rules };
}

async function refusal(bytes: Uint8Array): Promise<FeedImportError> {
  try {
    await parseNvdFeed(bytes);
  } catch (error) {
    if (error instanceof FeedImportError) return error;
    throw error;
  }
  throw new Error('the feed was accepted');
}

describe('readNvdFeed on a valid NVD 2.0 feed', async () => {
  const feed = await parseNvdFeed(fixture('nvd-feed-valid.json'));

  it('counts CVEs, rules, skips and products', () => {
    expect(feed.cves).toBe(9);
    // Any vendor:product is kept now (log4j, Percona), and a v2-only CVE is no longer skipped.
    expect(feed.cvesWithRules).toBe(7);
    expect(feed.skipped).toBe(2);
    expect(feed.skippedByReason).toEqual({ 'no-version-criteria': 1, rejected: 1 });
    expect(feed.byProduct).toEqual({
      'openbsd:openssh': 3,
      'apache:http_server': 1,
      'apache:log4j': 1,
      'mariadb:mariadb': 1,
      'microsoft:internet_information_services': 1,
      'oracle:mysql': 1,
      'percona:percona_server': 1,
    });
    expect(feed.rules).toHaveLength(9);
    for (const rule of feed.rules) expect(VulnerabilityRule.parse(rule)).toEqual(rule);
  });

  it('turns CPE ranges and exact CPE versions into affected versions', () => {
    const regression = feed.rules.find((rule) => rule.cve === 'CVE-2024-6387')!;
    expect(regression.affected).toEqual([
      { versionEndExcluding: '4.4' },
      { exact: '4.4' },
      { versionStartIncluding: '8.5', versionEndExcluding: '9.8' },
      { exact: '9.8' },
    ]);
    // NVD spells OpenSSH 7.2p2 as version 7.2, update p2.
    const timing = feed.rules.find((rule) => rule.cve === 'CVE-2016-6210')!;
    expect(timing.affected).toContainEqual({ exact: '7.2p2' });
    expect(timing.affected.some((entry) => isVersionAffected('7.2p2', entry))).toBe(true);
    expect(timing.affected.some((entry) => isVersionAffected('7.3', entry))).toBe(false);
  });

  it("prefers NVD's primary v3.1 metric and keeps the published date and a one-line summary", () => {
    const regression = feed.rules.find((rule) => rule.cve === 'CVE-2024-6387')!;
    expect(regression.cvss).toEqual({
      version: '3.1',
      baseScore: 8.1,
      vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
      source: 'nvd@nist.gov',
      type: 'Primary',
    });
    expect(regression.severity).toBe('high');
    expect(regression.source).toBe('nvd-import');
    expect(regression.published).toBe('2024-07-01T13:15:10.503');
    expect(regression.summary).not.toContain('\n');
    expect(regression.summary.length).toBeLessThanOrEqual(300);
  });

  it('makes one rule per vendor:product for a CVE affecting several', () => {
    const products = feed.rules
      .filter((rule) => rule.cve === 'CVE-2016-6662')
      .map((rule) => rule.product);
    expect(products.sort()).toEqual(['mariadb:mariadb', 'oracle:mysql', 'percona:percona_server']);
  });

  it('takes only vulnerable application CPEs from AND configurations', () => {
    const webdav = feed.rules.filter((rule) => rule.cve === 'CVE-2017-7269');
    expect(webdav).toHaveLength(1);
    expect(webdav[0]!.product).toBe('microsoft:internet_information_services');
    expect(webdav[0]!.affected).toEqual([{ exact: '6.0' }]);
  });

  it('accepts the feed gzipped, as NVD distributes it', async () => {
    const zipped = await parseNvdFeed(gzipSync(fixture('nvd-feed-valid.json')));
    expect(zipped.rules).toEqual(feed.rules);
  });
});

describe('readNvdFeed refusals', () => {
  it('gives the line and column where a truncated file ends', async () => {
    const bytes = fixture('nvd-feed-truncated.txt');
    const error = await refusal(bytes);
    const lines = bytes.toString('utf8').split('\n');
    expect(error.location).toBe(`${lines.length}:${lines.at(-1)!.length + 1}`);
    expect(error.message).toMatch(
      /^JSON syntax error at \d+:\d+: unexpected end of file \(truncated\?\)/,
    );
  });

  it('gives the line and column of a syntax error in the middle', async () => {
    const error = await refusal(
      Buffer.from('{\n  "format": "NVD_CVE",\n  "version": "2.0" oops\n}'),
    );
    expect(error.location).toBe('3:20');
    expect(error.message).toContain("expected ','");
  });

  it('gives the JSON path of a schema problem', async () => {
    const error = await refusal(fixture('nvd-feed-schema-broken.json'));
    expect(error.location).toBe('vulnerabilities[3].cve.id');
    expect(error.message).toBe('vulnerabilities[3].cve.id: expected string, got number');
  });

  it('names missing fields and envelope problems by path', async () => {
    const valid = JSON.parse(fixture('nvd-feed-valid.json').toString('utf8'));
    delete valid.vulnerabilities[1].cve.descriptions;
    expect((await refusal(bytesOf(valid))).message).toBe(
      'vulnerabilities[1].cve.descriptions: expected array, got missing',
    );
    const envelope = JSON.parse(fixture('nvd-feed-valid.json').toString('utf8'));
    envelope.vulnerabilities = 'none';
    expect((await refusal(bytesOf(envelope))).location).toBe('vulnerabilities');
    const badVector = JSON.parse(fixture('nvd-feed-valid.json').toString('utf8'));
    badVector.vulnerabilities[0].cve.metrics.cvssMetricV31[0].cvssData.vectorString = 'AV:N';
    expect((await refusal(bytesOf(badVector))).location).toBe(
      'vulnerabilities[0].cve.metrics.cvssMetricV31[0].cvssData.vectorString',
    );
  });

  it('refuses the retired NVD 1.1 format with a clear message', async () => {
    expect((await refusal(fixture('nvd-feed-1.1.json'))).message).toMatch(
      /NVD 1\.1 feed.*JSON 2\.0/,
    );
  });

  it('refuses other formats and versions', async () => {
    expect(
      (await refusal(bytesOf({ format: 'NVD_CPE', version: '2.0', products: [] }))).message,
    ).toMatch(/not an NVD CVE JSON 2\.0 feed: format "NVD_CPE"/);
    expect((await refusal(bytesOf({ format: 'NVD_CVE', version: '3.0' }))).message).toMatch(
      /version "3\.0"/,
    );
    expect((await refusal(bytesOf([1, 2, 3]))).message).toMatch(/not a JSON object/);
    expect((await refusal(Buffer.alloc(0))).message).toMatch(/JSON syntax error at 1:1/);
  });
});

describe('CPE handling', () => {
  it('splits CPE 2.3 names, honouring escapes', () => {
    expect(parseCpe23('cpe:2.3:a:openbsd:openssh:7.2:p2:*:*:*:*:*:*')).toEqual({
      part: 'a',
      vendor: 'openbsd',
      product: 'openssh',
      version: '7.2',
      update: 'p2',
    });
    expect(parseCpe23('cpe:2.3:a:vendor:odd\\:name:1.0:*:*:*:*:*:*:*')?.product).toBe('odd:name');
    expect(parseCpe23('cpe:/a:openbsd:openssh:7.2')).toBeUndefined();
  });
});

describe('locateJsonSyntaxError', () => {
  it('accepts valid JSON and reports the first error otherwise', () => {
    expect(locateJsonSyntaxError('{"a": [1, 2.5e3, "x\\u0041", true, null]}')).toBeUndefined();
    expect(locateJsonSyntaxError('[1,]')).toMatchObject({ line: 1, column: 4 });
    expect(locateJsonSyntaxError('{"a":\n  "b\n"}')).toMatchObject({ line: 2, column: 5 });
    expect(locateJsonSyntaxError('{"a": 1} x')).toMatchObject({ line: 1, column: 10 });
  });
});
