import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { execa } from 'execa';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNmap } from '../src/services/engines/nmap-engine';
import { runCampaign } from '../test/support/campaign-client';
import { relocatedStandardLab } from './support/relocated-lab';
import { startSpectraSession, type SpectraSession } from './support/spectra-session';

/**
 * The interop UI in Chromium against a real `spectra serve`: download buttons
 * per format (read back by csv-parse), "compared with" the previous campaign
 * of the same scope, and the import dialog fed a real nmap XML file.
 */
const PREFIX = '127.113.0';
const nmapPath = await findNmap();
const scratch = mkdtempSync(join(tmpdir(), 'spectra-interop-e2e-'));
let session: SpectraSession;
let page: Page;
const foreignRequests: string[] = [];
let campaignB: string;

beforeAll(async () => {
  session = await startSpectraSession({
    lab: relocatedStandardLab(PREFIX),
    labOptions: { waitForAddressMs: 10_000 },
  });
  ({ page } = session);
  const request = {
    targets: `${PREFIX}.10-20`,
    ports: '21,22,80',
    scope: `${PREFIX}.0/24`,
    engine: 'builtin' as const,
  };
  await runCampaign(session.serve.ingress, { ...request, name: 'week 1' });
  ({ campaignId: campaignB } = await runCampaign(session.serve.ingress, {
    ...request,
    name: 'week 2',
  }));
  const origin = new URL(session.serve.uiUrl).origin;
  page.on('request', (entry) => {
    const url = entry.url();
    if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:'))
      foreignRequests.push(url);
  });
  await page.goto(session.serve.uiUrl);
});

afterAll(async () => {
  await session?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('interop in the UI', () => {
  it('downloads each format from the campaign header; the CSV parses; "compared with" shows the previous week', async () => {
    await page.goto(`${session.serve.uiUrl}#/campaigns/${campaignB}`);
    await page.getByTestId('export-buttons').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`spectra-${campaignB}.csv`);
    const csvFile = join(scratch, 'export.csv');
    await download.saveAs(csvFile);
    const rows = parse(readFileSync(csvFile, 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.some((row) => row.cve === 'CVE-2011-2523' && row.host === `${PREFIX}.11`)).toBe(
      true,
    );

    const [html] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-html').click(),
    ]);
    const htmlFile = join(scratch, 'report.html');
    await html.saveAs(htmlFile);
    expect(readFileSync(htmlFile, 'utf8')).toContain('<h1>week 2</h1>');

    const compared = page.getByTestId('compared-with');
    await compared.getByTestId('diff-same').waitFor();
    expect(await compared.getByRole('combobox').inputValue()).not.toBe(campaignB);
    expect(await compared.innerText()).toContain('week 1');
  });

  it.skipIf(nmapPath === undefined)(
    'imports a real nmap XML file through the dialog, and refuses a truncated one naming line and element',
    async () => {
      const xmlFile = join(scratch, 'lab.xml');
      const scan = await execa(
        nmapPath!,
        ['-sT', '-sV', '-n', '-Pn', '-p', '21,80', `${PREFIX}.11-12`, '-oX', xmlFile],
        { reject: false, stdin: 'ignore' },
      );
      expect(scan.exitCode, scan.stderr).toBe(0);
      const xml = readFileSync(xmlFile, 'utf8');
      const truncatedFile = join(scratch, 'truncated.xml');
      writeFileSync(truncatedFile, xml.slice(0, xml.lastIndexOf('<runstats>')));

      await page.goto(`${session.serve.uiUrl}#/campaigns`);
      await page.getByTestId('import-open').click();
      const dialog = page.getByTestId('import-dialog');
      await dialog.getByTestId('import-file').setInputFiles(truncatedFile);
      await dialog.getByTestId('import-submit').click();
      const error = await dialog.getByTestId('import-error').innerText();
      expect(error).toMatch(
        /line \d+, column \d+: <nmaprun>: unclosed tag: nmaprun \(the file is truncated\) \(nothing was imported\)/,
      );

      await dialog.getByTestId('import-file').setInputFiles(xmlFile);
      await dialog.getByTestId('import-name').fill('nmap from the dialog');
      await dialog.getByTestId('import-submit').click();
      const result = await dialog.getByTestId('import-result').innerText();
      expect(result).toMatch(
        /^Imported: nmap from the dialog \(nmap 7\.93\): 2 hosts, 2 open ports, \d+ findings\.$/,
      );
      await dialog.getByRole('link', { name: 'nmap from the dialog' }).click();
      await page.getByTestId('export-buttons').waitFor();
      expect(foreignRequests).toEqual([]);
    },
  );
});
