import { CHROMIUM_LAUNCH_OPTIONS } from '../../../e2e/support/browser.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCampaign } from './campaign-export.js';
import { sampleRecords, sampleReport } from './export-fixtures.js';

const directory = mkdtempSync(join(tmpdir(), 'spectra-html-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Opens `file` in Debian's Chromium with scripts off; returns every request that was not file://. */
async function openOffline(file: string) {
  const profile = mkdtempSync(join(tmpdir(), 'spectra-html-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...CHROMIUM_LAUNCH_OPTIONS,
    javaScriptEnabled: false,
  });
  const foreign: string[] = [];
  const page = await context.newPage();
  page.on('request', (request) => {
    if (!request.url().startsWith('file://')) foreign.push(request.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return {
    page,
    foreign,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

describe('html report in Chromium', () => {
  it('shows summary, charts, hosts and findings from one file, with no script and no request beyond file://', async () => {
    const report = sampleReport();
    // A banner that would load a remote image or run a script if it were not escaped.
    report.hosts[0]!.ports[1]!.version =
      '2.4.49"><img src="http://127.0.0.1:9/x.png"><script>document.title="owned"</script>';
    const html = exportCampaign('html', report, sampleRecords(), {
      generatedAt: '2026-11-30T11:00:00.000Z',
      toolVersion: '0.1.0',
    });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
    const file = join(directory, 'report.html');
    writeFileSync(file, html);

    const browser = await openOffline(file);
    try {
      const { page } = browser;
      expect(await page.title()).toBe('Spectra-Red report: Lab <sweep> & "friends"');
      expect(await page.getByRole('heading', { name: 'Summary' }).isVisible()).toBe(true);
      expect(await page.locator('.stat').allInnerTexts()).toEqual([
        '2\ntargets',
        '2\nhosts up',
        '3\nopen ports',
        '2\nCVEs',
        '2\nfindings',
      ]);
      expect(await page.locator('svg[role=img]').count()).toBe(2);
      expect(await page.locator('svg[role=img]').first().getAttribute('aria-label')).toBe(
        'Findings by severity: critical 1, high 1, medium 0, low 0, none 0',
      );
      const findings = page.getByRole('region', { name: 'Findings' });
      expect(await findings.getByText('CVE-2021-41773').isVisible()).toBe(true);
      expect(await findings.locator('tr', { hasText: 'CVE-2021-41773' }).innerText()).toContain(
        '0.944',
      );
      const hosts = page.getByRole('region', { name: 'Hosts and ports' });
      expect(await hosts.locator('tbody tr').count()).toBe(3);
      expect(await hosts.getByText('<img src=', { exact: false }).count()).toBe(1);
      expect(await page.locator('img').count()).toBe(0);
      expect(browser.foreign).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('counts a request to anywhere but file:// (the check can fail)', async () => {
    const file = join(directory, 'leaky.html');
    writeFileSync(
      file,
      '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/leak.png"></body></html>',
    );
    const browser = await openOffline(file);
    try {
      expect(browser.foreign).toEqual(['http://127.0.0.1:9/leak.png']);
    } finally {
      await browser.close();
    }
  });
});
