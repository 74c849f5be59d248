import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDirLayout } from '../../main/host/data-dir.js';
import { importsDirectory } from '../../services/vulnerabilities/knowledge-base.js';
import { temporaryDataDir } from '../../../test/support/temporary-host.js';

/** `spectra feeds` as the analyst runs it: a separate process on a data dir, no host needed. */
const FIXTURES = join(import.meta.dirname, '../../services/vulnerabilities/fixtures');
const scratch = temporaryDataDir('spectra-feeds-');

afterAll(() => scratch.remove());

function spectra(...args: string[]) {
  return execa('node', ['bin/spectra.mjs', ...args, '--data-dir', scratch.dataDir], {
    preferLocal: true,
    reject: false,
  });
}

function storedImports(): string[] {
  try {
    return readdirSync(importsDirectory(dataDirLayout(scratch.dataDir).knowledgeDir)).sort();
  } catch {
    return [];
  }
}

describe('spectra feeds', () => {
  it('imports a valid feed, lists it, and removes it', async () => {
    const imported = await spectra(
      'feeds',
      'import',
      join(FIXTURES, 'nvd-feed-valid.json'),
      '--name',
      'nvd-2021',
    );
    expect(imported.exitCode).toBe(0);
    expect(imported.stdout).toMatch(/^imported nvd-2021: 9 rules from 7 of 9 CVEs for 7 products/);
    expect(storedImports()).toEqual(['nvd-2021.data.jsonl', 'nvd-2021.json']);

    const again = await spectra(
      'feeds',
      'import',
      join(FIXTURES, 'nvd-feed-valid.json'),
      '--name',
      'nvd-2021',
    );
    expect(again.stdout).toMatch(/already imported/);

    const listed = await spectra('feeds', 'list', '--json');
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { name: 'nvd-2021', summary: { kind: 'nvd-cve', rulesAdded: 9 } },
    ]);

    const removed = await spectra('feeds', 'remove', 'nvd-2021');
    expect(removed.exitCode).toBe(0);
    expect(storedImports()).toEqual([]);
    const missing = await spectra('feeds', 'remove', 'nvd-2021');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'spectra: feeds remove: no import named "nvd-2021" (see spectra feeds list)',
    );
  });

  it('refuses a truncated feed with one line naming line:column, changing nothing', async () => {
    await spectra('feeds', 'import', join(FIXTURES, 'nvd-feed-valid.json'), '--name', 'kept');
    const truncated = join(FIXTURES, 'nvd-feed-truncated.txt');
    const refused = await spectra('feeds', 'import', truncated, '--name', 'kept');
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toEqual([
      `spectra: feeds import: ${truncated}: JSON syntax error at 357:46: unexpected end of file (truncated?), expected a string value (nothing was imported)`,
    ]);
    const schema = await spectra('feeds', 'import', join(FIXTURES, 'nvd-feed-schema-broken.json'));
    expect(schema.exitCode).toBe(1);
    expect(schema.stderr).toMatch(/vulnerabilities\[3\]\.cve\.id: expected string/);
    // The earlier import is untouched and nothing else was written.
    expect(storedImports()).toEqual(['kept.data.jsonl', 'kept.json']);
    const listed = JSON.parse((await spectra('feeds', 'list', '--json')).stdout) as unknown[];
    expect(listed).toMatchObject([{ name: 'kept', summary: { rulesAdded: 9 } }]);
  });

  it('imports EPSS scores and the KEV catalog, told apart by their contents', async () => {
    const epss = await spectra('feeds', 'import', join(FIXTURES, 'epss-scores.csv'));
    expect(epss.exitCode).toBe(0);
    expect(epss.stdout.trim()).toBe('imported epss: EPSS scores of 4 CVEs (2025-11-03T12:55:00Z)');
    const kev = await spectra('feeds', 'import', join(FIXTURES, 'kev-catalog.json'));
    expect(kev.stdout.trim()).toBe('imported kev: KEV catalog 2025.11.03: 2 known exploited CVEs');
    expect(storedImports()).toEqual(
      expect.arrayContaining(['epss.json', 'epss.data.jsonl', 'kev.json', 'kev.data.jsonl']),
    );
  });

  it('refuses a gzip bomb in one line with the default cap', async () => {
    const { mkdtempSync, createWriteStream, rmSync } = await import('node:fs');
    const { gzipSync } = await import('node:zlib');
    const { tmpdir } = await import('node:os');
    const directory = mkdtempSync(join(tmpdir(), 'spectra-bomb-'));
    const bomb = join(directory, 'nvdcve-2.0-bomb.json.gz');
    const out = createWriteStream(bomb);
    out.write(gzipSync('{"format":"NVD_CVE","version":"2.0","vulnerabilities":['));
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
    for (let copy = 0; copy < 48; copy += 1) out.write(member);
    await new Promise((resolve) => out.end(resolve));
    try {
      const before = storedImports();
      const refused = await spectra('feeds', 'import', bomb);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr.trim().split('\n')).toEqual([
        `spectra: feeds import: ${bomb}: the gzip file decompresses to more than 1 GiB (a decompression bomb?); refused (nothing was imported)`,
      ]);
      expect(storedImports()).toEqual(before);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses unknown subcommands and unsafe names', async () => {
    const unknown = await spectra('feeds', 'sync');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/expected a subcommand: import, list, remove/);
    const unsafe = await spectra('feeds', 'remove', '../etc');
    expect(unsafe.exitCode).toBe(2);
    expect(unsafe.stderr).toMatch(/invalid import name/);
  });
});
