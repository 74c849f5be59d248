import * as clients from '@restatedev/restate-sdk-clients';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackLab, type LoopbackLab } from '../src/services/lab/loopback-lab';
import type { CampaignListing } from '../src/shared/campaign';
import type { ThreatSummary } from '../src/shared/threat';
import { SCREENSHOT_DIR, SpectraApp } from './pages/spectra-app';
import { launchBrowser } from './support/browser';
import { startForeignSite } from './support/foreign-origin-page';
import { relocatedStandardLab } from './support/relocated-lab';
import { startSpectraServe, type SpectraServe } from './support/spectra-serve';

const LAB_PREFIX = '127.77.0';
const EXPECTED_CVES = ['CVE-2021-41773', 'CVE-2011-2523'];

let serve: SpectraServe;
let lab: LoopbackLab;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let app: SpectraApp;
const consoleErrors: string[] = [];
const offOriginRequests: string[] = [];

/** What the index lists, asked from Node straight at the ingress (not through the UI). */
async function listedCampaigns(): Promise<CampaignListing[]> {
  const ingress = clients.connect({ url: serve.ingressUrl });
  return (await ingress
    .objectClient<{
      list(context: unknown): Promise<CampaignListing[]>;
    }>({ name: 'CampaignIndex' }, 'all')
    .list()) as CampaignListing[];
}

beforeAll(async () => {
  lab = await startLoopbackLab(relocatedStandardLab(LAB_PREFIX));
  serve = await startSpectraServe();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(serve.uiUrl)) offOriginRequests.push(request.url());
  });
  app = new SpectraApp(page, serve.uiUrl);
  process.stdout.write(`e2e screenshots: ${SCREENSHOT_DIR}\n`);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await lab?.close();
});

describe('Spectra-Red in browser mode', () => {
  let campaignId = '';

  it('validates the form inline, then runs a campaign to completion', async () => {
    await app.open('#/campaigns');
    await app.testId('campaigns-page').waitFor();
    await app.campaigns.startNew();

    const form = app.newCampaign;
    await form.fill({
      name: 'Loopback lab sweep',
      targets: `${LAB_PREFIX}.1-30\n10.0.0.300`,
      scope: `${LAB_PREFIX}.0/24`,
      ports: '21,22,25,80,3306,6379',
      engine: 'builtin',
      batchSize: 8,
      timeoutMs: 500,
    });
    // The shared parser marks line 2 of the targets before anything is sent.
    await form.issues('targets').locator('li[data-line="2"]').waitFor();
    expect(await form.issues('targets').textContent()).toContain('Line 2');
    await app.screenshot('01-new-campaign-validation');
    expect(await listedCampaigns()).toHaveLength(0);

    await form.field('campaign-targets').fill(`${LAB_PREFIX}.1-30`);
    await form.issues('targets').waitFor({ state: 'detached' });
    await app.testId('campaign-plan').getByText('30 hosts').waitFor();
    await form.submitTwice();

    campaignId = await app.campaign.campaignId();
    expect(campaignId).toMatch(/^c-/);
    expect(page.url()).toContain(`#/campaigns/${campaignId}`);
    await app.testId('campaign-progress').waitFor();
    await app.screenshot('02-campaign-running');

    // A reload lands on the same campaign and keeps following it.
    await page.reload();
    expect(await app.campaign.campaignId()).toBe(campaignId);
    await app.campaign.waitForState('completed');
    await app.campaign.report().waitFor();
    for (const cve of EXPECTED_CVES) await app.campaign.reportThreat(cve).waitFor();
    await app.testId('audit-trail').getByText('completed').first().waitFor();
    await app.screenshot('03-campaign-report');

    // The double click started exactly one campaign.
    const listed = await listedCampaigns();
    expect(listed.map((listing) => listing.campaignId)).toEqual([campaignId]);

    await app.navigate('campaigns');
    await page.locator(`[data-testid="campaign-row"][data-campaign-id="${campaignId}"]`).waitFor();
    await app.screenshot('04-campaign-list');
  });

  it('lists the lab CVEs in Threats and triages one', async () => {
    await app.navigate('threats');
    await app.threats.row('CVE-2011-2523').waitFor();
    await app.screenshot('05-threats');
    await app.threats.search('CVE-2021-41773');
    await app.threats.row('CVE-2021-41773').waitFor();
    // The text filter also matches summaries (CVE-2021-42013 is the incomplete fix of this one).
    await expect.poll(() => app.threats.row('CVE-2011-2523').count()).toBe(0);
    await app.threats.search('');
    await app.threats.toggleSeverity('critical');
    await app.threats.row('CVE-2011-2523').waitFor();
    await expect.poll(() => app.threats.row('CVE-2021-41773').count()).toBe(0);
    await app.threats.toggleSeverity('critical');

    await app.threats.search('CVE-2021-41773');
    await app.threats.row('CVE-2021-41773').click();
    await app.threat.root().waitFor();
    await app.testId('threat-affected').getByText(`${LAB_PREFIX}.10`).waitFor();
    await app.threat.triage('confirmed', 'Apache 2.4.49 path traversal reproduced in the lab');
    expect(await app.threat.triageBadge().textContent()).toBe('Confirmed');
    await app.testId('triage-history').getByText('path traversal reproduced').waitFor();
    await app.screenshot('06-threat-detail');

    await app.navigate('threats');
    await app.threats.search('CVE-2021-41773');
    await app.threats.row('CVE-2021-41773').getByText('Confirmed').waitFor();
  });

  it('shows the durable engine health in Operations', async () => {
    await app.navigate('operations');
    await page.locator('[data-testid="server-state"][data-state="ready"]').waitFor();
    await app.operations.handlerRow('CampaignWorkflow.run').waitFor();
    await app.operations.handlerRow('Scanner.scanBatch').waitFor();
    expect(
      Number(
        await app
          .testId('ops-invocations')
          .textContent()
          .then((text) => text?.replace(/,/g, '')),
      ),
    ).toBeGreaterThan(0);
    await app.screenshot('07-operations');
  });

  it('keeps 10,000 threat records smooth by rendering only visible rows', async () => {
    const rows: ThreatSummary[] = Array.from({ length: 10_000 }, (_, index) => ({
      cve: `CVE-2024-${String(10_000 + index)}`,
      severity: (['critical', 'high', 'medium', 'low', 'none'] as const)[index % 5]!,
      cvssScore: (index % 100) / 10,
      summary: `synthetic record ${index}`,
      product: ['openssh', 'apache_httpd', 'nginx', 'redis', 'mysql'][index % 5]!,
      affectedHosts: 1 + (index % 7),
      affectedServices: 1,
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastSeen: '2026-02-01T00:00:00.000Z',
      triageState: 'new',
      updatedAt: '2026-02-01T00:00:00.000Z',
    }));
    await page.route('**/ingress/ThreatIndex/all/list', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(rows) }),
    );
    await app.open('#/threats');
    await app.testId('threat-count').getByText('10,000 of 10,000').waitFor();
    const rendered = Number(await app.threats.viewport().getAttribute('data-rendered-rows'));
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);
    await app.threats.sortBy('cve');
    await app.threats.viewport().evaluate((element) => (element.scrollTop = element.scrollHeight));
    await app.threats.row('CVE-2024-19999').waitFor();
    await app.screenshot('08-threats-10k');
    await app.threats.search('record 4242');
    await app.threats.row('CVE-2024-14242').waitFor();
    await page.unroute('**/ingress/ThreatIndex/all/list');
  });

  it('refuses a campaign started from a page on another origin', async () => {
    const before = await listedCampaigns();
    const foreign = await startForeignSite(serve.uiUrl, {
      name: 'forged',
      targets: `${LAB_PREFIX}.10`,
      ports: '22',
      scope: `${LAB_PREFIX}.0/24`,
      engine: 'builtin',
    });
    try {
      const attacker = await browser.context.newPage();
      await attacker.goto(foreign.url);
      await attacker.waitForFunction(
        () => (globalThis as unknown as { attemptsDone?: boolean }).attemptsDone === true,
      );
      const results = await attacker.evaluate(
        () => (globalThis as unknown as { attemptResults: string[] }).attemptResults,
      );
      expect(results.join('\n')).toMatch(/cors fetch: blocked/);
      await attacker.close();
    } finally {
      await foreign.close();
    }
    const after = await listedCampaigns();
    expect(after.map((listing) => listing.campaignId)).toEqual(
      before.map((listing) => listing.campaignId),
    );
  });

  it('loaded nothing from the network and broke no CSP rule', () => {
    expect(offOriginRequests).toEqual([]);
    expect(
      consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text)),
    ).toEqual([]);
  });
});
