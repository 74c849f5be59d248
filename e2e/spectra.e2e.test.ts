import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignListing, CampaignReport } from '../src/shared/campaign';
import type { ScheduleEntry } from '../src/shared/schedule';
import { INDEX_KEY, SERVICE_NAMES } from '../src/shared/service-contracts';
import type { ThreatSummary } from '../src/shared/threat';
import { SCREENSHOT_DIR, type SpectraApp } from './pages/spectra-app';
import { blocking, describeAudits } from './support/accessibility';
import { startForeignSite } from './support/foreign-origin-page';
import { relocatedStandardLab } from './support/relocated-lab';
import { startSpectraSession, type SpectraSession } from './support/spectra-session';

const LAB_PREFIX = '127.77.0';
/** The UI's request for the threats table, answered by the test with 10,000 rows. */
const THREATS_LIST_ROUTE = `**/ingress/${SERVICE_NAMES.threatIndex}/${INDEX_KEY}/list`;
const EXPECTED_CVES = ['CVE-2021-41773', 'CVE-2011-2523'];

let session: SpectraSession;
let page: Page;
let app: SpectraApp;
const consoleErrors: string[] = [];
const offOriginRequests: string[] = [];

/** What the index lists. */
async function listedCampaigns(): Promise<CampaignListing[]> {
  return session.services().campaignIndex().list();
}

/** A campaign's report. */
async function reportOf(campaignId: string): Promise<CampaignReport | null> {
  return session.services().campaignReport(campaignId);
}

async function listedSchedules(): Promise<ScheduleEntry[]> {
  return session.services().schedules().list();
}

/** Lab connections accepted since `since` (ms), from any campaign. */
function labConnectionsSince(since: number) {
  return session.lab.connectionLog.filter((connection) => connection.acceptedAt >= since);
}

beforeAll(async () => {
  session = await startSpectraSession({ lab: relocatedStandardLab(LAB_PREFIX) });
  ({ page, app } = session);
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(session.serve.uiUrl)) offOriginRequests.push(request.url());
  });
  process.stdout.write(`e2e screenshots: ${SCREENSHOT_DIR}\n`);
});

afterAll(async () => {
  await session?.close();
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
    // A finished campaign still shows its whole request, ports included (in the
    // canonical form the campaign spec keeps: adjacent ports joined into ranges).
    expect(await app.testId('campaign-request').getByTestId('request-ports').textContent()).toBe(
      '21-22,25,80,3306,6379',
    );

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
    // Re-check from the UI: the lab still serves Apache 2.4.49.
    await app.testId('recheck-now').click();
    await expect
      .poll(() => app.testId('recheck-result').textContent(), { timeout: 30_000 })
      .toMatch(/Still vulnerable/);

    await app.navigate('threats');
    await app.threats.search('CVE-2021-41773');
    await app.threats.row('CVE-2021-41773').getByText('Confirmed').waitFor();
  });

  it('answers "which hosts run exim?": host page, banner, CVEs; threats searched by address', async () => {
    await app.navigate('hosts');
    await app.hosts.row(`${LAB_PREFIX}.13`).waitFor();
    await app.hosts.search('exim');
    await expect.poll(() => app.hosts.rows().count()).toBe(1);
    await app.hosts.row(`${LAB_PREFIX}.13`).waitFor();
    // The search is in the URL: a reload shows the same rows.
    expect(page.url()).toContain('#/hosts?q=exim');
    await page.reload();
    await app.hosts.row(`${LAB_PREFIX}.13`).waitFor();
    expect(await app.testId('host-search').inputValue()).toBe('exim');
    await expect.poll(() => app.hosts.rows().count()).toBe(1);
    // A network and a port narrow the same way.
    await app.hosts.search(`${LAB_PREFIX}.0/24 80`);
    await app.hosts.row(`${LAB_PREFIX}.10`).waitFor();
    await expect.poll(() => app.hosts.row(`${LAB_PREFIX}.13`).count()).toBe(0);
    await app.hosts.search('exim');
    await app.screenshot('12-hosts');

    await app.hosts.row(`${LAB_PREFIX}.13`).getByTestId('host-link').click();
    await app.hosts.detail().waitFor();
    expect(await app.testId('port-banner').first().textContent()).toContain('ESMTP Exim 4.87');
    const cves = app.testId('host-cves').locator('li');
    await cves.first().waitFor();
    const firstCve = (await cves.first().getAttribute('data-cve')) ?? '';
    expect(firstCve).toMatch(/^CVE-/);
    // Per-host triage: a false positive on this host only, kept across a reload.
    const firstItem = cves.first();
    await firstItem.getByTestId('host-cve-triage-select').selectOption('false-positive');
    await firstItem.getByTestId('host-cve-triage-save').click();
    await firstItem.getByTestId('host-cve-triage-state').getByText('False positive').waitFor();
    await page.reload();
    await app
      .testId('host-cves')
      .locator('li')
      .first()
      .getByTestId('host-cve-triage-state')
      .getByText('False positive')
      .waitFor();
    await app.screenshot('13-host-detail');
    await cves.first().locator('a').click();
    await app.threat.root().waitFor();
    expect(await app.threat.root().getAttribute('data-cve')).toBe(firstCve);
    await app.testId('threat-affected').locator(`a[href="#/hosts/${LAB_PREFIX}.13"]`).waitFor();

    // Searching threats for an address lists that host's CVEs (it used to say "0 of N").
    await app.navigate('threats');
    await app.threats.search(`${LAB_PREFIX}.10`);
    await app.threats.row('CVE-2021-41773').waitFor();
    await expect.poll(() => app.threats.row('CVE-2011-2523').count()).toBe(0);
    // Filters survive a reload (URL), then go back to everything.
    await app.threats.toggleSeverity('critical');
    await page.reload();
    await app.testId('threats-page').waitFor();
    expect(await app.testId('threat-search').inputValue()).toBe(`${LAB_PREFIX}.10`);
    expect(
      await page
        .locator('[data-testid="severity-filter"] [data-value="critical"]')
        .getAttribute('aria-pressed'),
    ).toBe('true');
    await app.threats.toggleSeverity('critical');
    await app.threats.search('');
  });

  it('shows live totals of a running campaign in the list, with filters and sort in the URL', async () => {
    const services = session.services();
    const workflow = (id: string) => services.campaignWorkflow(id);
    // Slow on purpose (4 connections per second): it is still running while we look.
    const submitted = await services.campaigns().submit({
      name: 'Slow live sweep',
      targets: `${LAB_PREFIX}.100-139`,
      scope: `${LAB_PREFIX}.0/24`,
      ports: '22,80',
      engine: 'builtin',
      batchSize: 2,
      batchesInFlight: 1,
      ratePerSecond: 4,
      connectTimeoutMs: 300,
    });
    try {
      await app.open('#/campaigns');
      const row = page.locator(
        `[data-testid="campaign-row"][data-campaign-id="${submitted.campaignId}"]`,
      );
      await row.waitFor();
      // The list moves while the campaign runs (it used to say 0 until the end).
      await expect
        .poll(
          async () => {
            const text = (await row.getByTestId('campaign-row-hosts').textContent()) ?? '';
            const done = Number(/^(\d+) \//.exec(text)?.[1] ?? 0);
            return done > 0 && done < 40;
          },
          { timeout: 20_000 },
        )
        .toBe(true);
      await app.screenshot('16-campaign-list-live');
      // Filters and sort live in the URL and survive a reload.
      await app.testId('campaign-state-filter').selectOption('running');
      await app.testId('campaign-sort').selectOption('name');
      await app.testId('campaign-search').fill('slow');
      expect(page.url()).toMatch(/#\/campaigns\?.*state=running/);
      await page.reload();
      await row.waitFor();
      expect(await app.testId('campaign-search').inputValue()).toBe('slow');
      expect(await app.testId('campaign-state-filter').inputValue()).toBe('running');
      expect(await app.campaigns.rows().count()).toBe(1);
      // 900 px wide: the list and the threat table fit without a page-wide scrollbar.
      await page.setViewportSize({ width: 900, height: 720 });
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(900);
      await app.navigate('threats');
      await app.threats.rows().first().waitFor();
      const rowBox = await app.threats.rows().first().boundingBox();
      expect((rowBox?.x ?? 0) + (rowBox?.width ?? 0)).toBeLessThanOrEqual(900);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(900);
      await app.screenshot('17-threats-900px');
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
      await workflow(submitted.campaignId).cancel('e2e: done looking');
      await app.open('#/campaigns/' + submitted.campaignId);
      await app.campaign.waitForState('cancelled', 30_000);
    }
  });

  it('says "not found" for an unknown campaign id instead of waiting forever', async () => {
    await app.open('#/campaigns/c-000000000000');
    await app.testId('campaign-not-found').waitFor({ timeout: 15_000 });
    expect(await page.title()).toBe('Campaign not found · Spectra-Red');
  });

  it('keeps a typed draft across navigation and offers keyboard shortcuts', async () => {
    await app.open('#/campaigns/new');
    await app.newCampaign.field('campaign-name').fill('Draft that must survive');
    await app.newCampaign.field('campaign-targets').fill(`${LAB_PREFIX}.40-41`);
    await app.navigate('threats');
    expect(await page.title()).toBe('Threats · Spectra-Red');
    await page.goBack();
    await app.testId('new-campaign-page').waitFor();
    expect(await app.newCampaign.field('campaign-name').inputValue()).toBe(
      'Draft that must survive',
    );
    expect(await app.newCampaign.field('campaign-targets').inputValue()).toBe(
      `${LAB_PREFIX}.40-41`,
    );
    // Form parity with the CLI: the name defaults to the first target, the dry run
    // resolves the engine, and service detection warns that it is intrusive.
    expect(await app.newCampaign.field('campaign-name').getAttribute('placeholder')).toBe(
      `${LAB_PREFIX}.40-41`,
    );
    await app.newCampaign.field('campaign-scope').fill(`${LAB_PREFIX}.0/24`);
    // nmap is installed here (the nmap engine's tests need it): auto resolves to it.
    await expect
      .poll(() => app.testId('plan-engine').textContent(), { timeout: 10_000 })
      .toBe('auto → nmap (installed on the host)');
    await app.newCampaign.field('campaign-service-detection').check();
    expect(await app.testId('service-detection-warning').textContent()).toContain('Intrusive');
    await app.newCampaign.field('campaign-service-detection').uncheck();
    // Keys typed into a field are text, not shortcuts; outside fields they navigate.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    await app.testId('shortcut-help').waitFor();
    await app.screenshot('14-shortcut-help');
    await page.keyboard.press('Escape');
    await app.testId('shortcut-help').waitFor({ state: 'hidden' });
    await page.keyboard.press('g');
    await page.keyboard.press('h');
    await app.testId('hosts-page').waitFor();
    // Clone: a finished campaign's request back in the form.
    await app.open(`#/campaigns/${campaignId}`);
    await app.testId('campaign-clone').click();
    await app.testId('new-campaign-page').waitFor();
    // The clone carries the canonical targets of the spec (the same 30 addresses).
    expect(await app.newCampaign.field('campaign-targets').inputValue()).toBe(
      `${LAB_PREFIX}.1-${LAB_PREFIX}.30`,
    );
    expect(await app.newCampaign.field('campaign-name').inputValue()).toBe('Loopback lab sweep');
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

  it('a campaign that needs approval shows the banner and runs after approval', async () => {
    await app.open('#/campaigns');
    await app.campaigns.startNew();
    const form = app.newCampaign;
    const since = Date.now();
    await form.fill({
      name: 'Approval-gated sweep',
      targets: `${LAB_PREFIX}.10-20`,
      scope: `${LAB_PREFIX}.0/24`,
      ports: '21,22,80',
      engine: 'builtin',
      batchSize: 4,
      timeoutMs: 500,
      approval: 'required',
      approvalTimeout: '30m',
    });
    await app.testId('plan-approval').getByText('approval required by the request').waitFor();
    await form.submit();
    const gatedId = await app.campaign.campaignId();
    await app.campaign.waitForState('awaiting-approval', 30_000);

    // The banner: what is asked (linked), why, and a live countdown.
    const banner = app.approvalBanner;
    await banner.root.waitFor();
    expect(await banner.root.getAttribute('data-campaign-id')).toBe(gatedId);
    expect(await banner.campaignLink().textContent()).toBe('Approval-gated sweep');
    expect(await banner.campaignLink().getAttribute('href')).toBe(`#/campaigns/${gatedId}`);
    expect(await banner.reasons().textContent()).toContain('approval required by the request');
    const firstCount = (await banner.countdown().textContent()) ?? '';
    expect(firstCount).toMatch(/^(29|30)m \d\ds left$/);
    await expect
      .poll(() => banner.countdown().textContent(), { timeout: 5000 })
      .not.toBe(firstCount);
    expect(await app.testId('approvals-count').textContent()).toBe('1');
    // The detail page shows the same request with its own decision form.
    expect(await app.campaign.approvalPanel().reasons().textContent()).toContain(
      'approval required by the request',
    );
    await app.screenshot('09-approval-banner');
    // The approver sees what is asked: sizes, targets, ports, engine, scope, and why in words.
    const line = app.testId('approval-context-line');
    await line.waitFor();
    expect(await line.textContent()).toMatch(
      new RegExp(
        `11 hosts × 3 ports · targets ${LAB_PREFIX}\\.10-${LAB_PREFIX}\\.20 · ports 21-22,80 · engine builtin`,
      ),
    );
    await app.navigate('approvals');
    await app.testId('approval-card').first().waitFor();
    const context = app.testId('approval-card').first().getByTestId('approval-context');
    await context.waitFor();
    expect(await context.getByTestId('request-ports').textContent()).toBe('21-22,80');
    expect(await context.getByTestId('request-scope').textContent()).toBe(`${LAB_PREFIX}.0/24`);
    expect(await context.getByTestId('request-size').textContent()).toMatch(
      /^11 hosts × 3 ports = 33 probes/,
    );
    expect(
      await app.testId('approval-card').first().getByTestId('approval-reasons').textContent(),
    ).toContain('asked for a second pair of eyes');
    await app.screenshot('11-approvals');
    await page.goBack();
    await app.testId('campaign-progress').waitFor();
    // Waiting means waiting: nothing reached the lab.
    expect(labConnectionsSince(since)).toEqual([]);

    await banner.approve('Scope confirmed with the lab owner', 'alice');
    await banner.root.waitFor({ state: 'detached' });
    await app.campaign.waitForState('completed');
    await app.campaign.report().waitFor();
    const approvedEntry = app.campaign.auditEntry('Scope confirmed with the lab owner');
    await approvedEntry.waitFor();
    expect(await approvedEntry.textContent()).toMatch(
      /approved — Scope confirmed with the lab owner\s*by alice/,
    );
    await app.testId('campaign-approved').getByText('by alice').waitFor();
    expect(labConnectionsSince(since).length).toBeGreaterThan(0);
    await expect.poll(() => app.testId('approvals-count').count()).toBe(0);
  });

  it('a rejected campaign ends rejected and probes nothing', async () => {
    await app.open('#/campaigns/new');
    await app.testId('new-campaign-page').waitFor();
    const since = Date.now();
    await app.newCampaign.fill({
      name: 'Sweep to reject',
      targets: `${LAB_PREFIX}.10-20`,
      scope: `${LAB_PREFIX}.0/24`,
      ports: '21,22,80',
      engine: 'builtin',
      batchSize: 4,
      timeoutMs: 500,
      approval: 'required',
    });
    await app.newCampaign.submit();
    const rejectedId = await app.campaign.campaignId();
    await app.campaign.waitForState('awaiting-approval', 30_000);
    const panel = app.campaign.approvalPanel();
    // A rejection needs a note: refused inline before anything is sent.
    await panel.reject('', 'bob');
    expect(await panel.error().textContent()).toMatch(/note is required/);
    await app.campaign.waitForState('awaiting-approval', 1000);

    await panel.reject('Outside the maintenance window', 'bob');
    await app.campaign.waitForState('rejected', 30_000);
    const rejected = app.campaign.rejectedPanel();
    expect(await rejected.textContent()).toContain('Nothing was scanned. Rejected by bob');
    await rejected.getByText('Outside the maintenance window').waitFor();
    await app.approvalBanner.root.waitFor({ state: 'detached' });
    expect(await app.testId('progress-percent').textContent()).toBe('0%');

    // The report agrees (0 targets done, audit names bob) and the lab saw nothing.
    await expect
      .poll(async () => (await reportOf(rejectedId))?.state, { timeout: 15_000 })
      .toBe('rejected');
    const report = await reportOf(rejectedId);
    expect(report?.totals.targetsDone).toBe(0);
    expect(report?.audit).toContainEqual(
      expect.objectContaining({
        event: 'rejected',
        detail: 'Outside the maintenance window',
        actor: 'bob',
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(labConnectionsSince(since)).toEqual([]);
  });

  it('creates an every-N schedule in the UI, lists it, then removes it', async () => {
    const campaignsBefore = await listedCampaigns();
    await app.open('#/campaigns/new');
    await app.testId('new-campaign-page').waitFor();
    await app.newCampaign.fill({
      name: 'Lab re-sweep every 45 minutes',
      targets: `${LAB_PREFIX}.10-20`,
      scope: `${LAB_PREFIX}.0/24`,
      ports: '22,80',
      engine: 'builtin',
      batchSize: 4,
      schedule: { kind: 'every-minutes', every: 45 },
    });
    await app.testId('plan-schedule').getByText('every 45m').waitFor();
    expect(await app.testId('campaign-submit').textContent()).toBe('Create schedule');
    await app.newCampaign.field('campaign-submit').dblclick();

    await app.testId('schedules-page').waitFor();
    const row = app.schedules.row('Lab re-sweep every 45 minutes');
    await row.waitFor();
    expect(await row.getByTestId('schedule-cadence').textContent()).toContain('every 45m');
    const stored = await listedSchedules();
    // The double click made one schedule (same idempotency key).
    expect(stored.map((entry) => entry.name)).toEqual(['Lab re-sweep every 45 minutes']);
    expect(stored[0]?.cadence).toEqual({ kind: 'every', intervalMs: 45 * 60_000 });
    expect(await row.getAttribute('data-schedule-id')).toBe(stored[0]?.scheduleId);
    await app.screenshot('10-schedules');

    await app.schedules.remove('Lab re-sweep every 45 minutes');
    await row.waitFor({ state: 'detached' });
    await app.testId('schedules-empty').waitFor();
    expect(await listedSchedules()).toEqual([]);
    // A schedule is not a campaign: nothing was started.
    expect((await listedCampaigns()).length).toBe(campaignsBefore.length);
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
    await page.route(THREATS_LIST_ROUTE, (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(rows) }),
    );
    await app.open('#/threats');
    await app.testId('threat-count').getByText('10,000 of 10,000').waitFor();
    const rendered = Number(await app.threats.viewport().getAttribute('data-rendered-rows'));
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);
    await app.threats.sortBy('cve');
    // Typed loosely: React's global element interfaces (in this program via the HTML report) are empty.
    await app.threats.viewport().evaluate((element) => {
      const scroller = element as unknown as { scrollTop: number; scrollHeight: number };
      scroller.scrollTop = scroller.scrollHeight;
    });
    await app.threats.row('CVE-2024-19999').waitFor();
    await app.screenshot('08-threats-10k');
    await app.threats.search('record 4242');
    await app.threats.row('CVE-2024-14242').waitFor();
    await page.unroute(THREATS_LIST_ROUTE);
  });

  it('refuses a campaign started from a page on another origin', async () => {
    const before = await listedCampaigns();
    const foreign = await startForeignSite(session.serve.uiUrl, {
      name: 'forged',
      targets: `${LAB_PREFIX}.10`,
      ports: '22',
      scope: `${LAB_PREFIX}.0/24`,
      engine: 'builtin',
    });
    try {
      const attacker = await session.browser.context.newPage();
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

  it('tells the truth when the host stops, and reconnects at the same address', async () => {
    await app.open('#/threats');
    await app.threats.row('CVE-2011-2523').waitFor();
    const address = new URL(page.url()).origin;
    await session.serve.stopHostOnly();
    const banner = page.locator('[data-testid="connection-banner"][data-status="offline"]');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toMatch(/not answering.*spectra serve/s);
    // Stale rows stay readable; actions are off.
    await app.threats.row('CVE-2011-2523').waitFor();
    expect(await app.testId('threats-refresh').isDisabled()).toBe(true);
    await app.screenshot('15-host-unreachable');

    const restartedAt = await session.serve.startAgain();
    expect(new URL(restartedAt).origin).toBe(address);
    // The open tab reconnects by itself (a reload picks up the new session).
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await app.threats.row('CVE-2011-2523').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="threats-refresh"]:not([disabled])').waitFor();
    expect(new URL(page.url()).origin).toBe(address);
  });

  it('has no serious or critical axe-core violation on any screen, light or dark', () => {
    const audits = app.accessibilityAudits;
    process.stdout.write(`axe-core audits:\n${describeAudits(audits)}\n`);
    expect(audits.length).toBeGreaterThanOrEqual(2 * 14);
    expect(
      audits.flatMap((audit) =>
        blocking(audit).map(
          (v) => `${audit.screen} [${audit.scheme}] ${v.id}: ${v.help} @ ${v.targets.join(', ')}`,
        ),
      ),
    ).toEqual([]);
  });

  it('loaded nothing from the network and broke no CSP rule', () => {
    expect(offOriginRequests).toEqual([]);
    expect(
      consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text)),
    ).toEqual([]);
  });
});
