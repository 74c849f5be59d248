import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleCreateRequest } from '../src/shared/schedule';
import type { SpectraApp } from './pages/spectra-app';
import { blocking, describeAudits } from './support/accessibility';
import { focused, tabTo } from './support/keyboard';
import { relocatedStandardLab } from './support/relocated-lab';
import { startSpectraSession, type SpectraSession } from './support/spectra-session';

/**
 * The analyst's loop without a mouse (form → campaign → threat → triage), the
 * schedule controls (pause, resume, run now, edit), and a re-check outcome
 * arriving live in an open threat page. Own lab range, host and browser.
 */
const LAB_PREFIX = '127.78.0';
/** vsftpd 2.3.4 at .11:21 in the standard lab. */
const FTP_CVE = 'CVE-2011-2523';

let session: SpectraSession;
let page: Page;
let app: SpectraApp;

beforeAll(async () => {
  session = await startSpectraSession({ lab: relocatedStandardLab(LAB_PREFIX) });
  ({ page, app } = session);
});

afterAll(() => session?.close());

/** Types into the focused field, as a keyboard does. */
async function type(text: string): Promise<void> {
  await page.keyboard.type(text);
}

describe('the analyst loop, keyboard only', () => {
  it('creates a campaign, opens it and a threat, and triages it with keys alone', async () => {
    await app.open('#/campaigns/new');
    await app.testId('new-campaign-page').waitFor();

    await tabTo(page, '[data-testid="campaign-name"]');
    await type('Keyboard-only sweep');
    await tabTo(page, '[data-testid="campaign-targets"]');
    await type(`${LAB_PREFIX}.10-11`);
    await tabTo(page, '[data-testid="campaign-scope"]');
    await type(`${LAB_PREFIX}.0/24`);
    // A select moves with the arrow keys: Top 100 → Top 1000 → Custom list.
    await tabTo(page, '[data-testid="campaign-ports-preset"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await app.testId('campaign-ports-preset').inputValue()).toBe('custom');
    await tabTo(page, '[data-testid="campaign-ports"]');
    await type('21,80');
    await tabTo(page, '[data-testid="campaign-engine"]');
    await page.keyboard.press('ArrowDown');
    expect(await app.testId('campaign-engine').inputValue()).toBe('builtin');
    await app.testId('campaign-plan').getByText('2 hosts').waitFor();
    const toSubmit = await tabTo(page, '[data-testid="campaign-submit"]', { limit: 60 });
    expect(toSubmit.at(-1)?.visible).toBe(true);
    await app.screenshot('20-keyboard-form-submit-focused');
    await page.keyboard.press('Enter');

    const campaignId = await app.campaign.campaignId();
    expect(campaignId).toMatch(/^c-/);
    // Focus moved into the new screen (not lost on the removed form).
    expect((await focused(page)).element).toBe('main#main');
    await app.campaign.waitForState('completed');
    await app.campaign.reportThreat(FTP_CVE).waitFor();

    // Tab from the top of the campaign page to the threat's link in the report.
    const toThreat = await tabTo(
      page,
      `[data-testid="report-threats"] a[href="#/threats/${FTP_CVE}"]`,
      { limit: 120 },
    );
    expect(toThreat.length).toBeGreaterThan(1);
    await page.keyboard.press('Enter');
    await app.threat.root().waitFor();
    expect(await app.threat.root().getAttribute('data-cve')).toBe(FTP_CVE);
    expect((await focused(page)).element).toBe('main#main');

    // The triage radio group: one Tab stop (the checked state), arrows move the choice.
    await tabTo(page, '[data-testid="triage-states"] [role="radio"][aria-checked="true"]', {
      limit: 60,
    });
    expect(await page.evaluate('document.activeElement.dataset.value')).toBe('new');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate('document.activeElement.dataset.value')).toBe('confirmed');
    expect(
      await page
        .locator('[data-testid="triage-states"] [data-value="confirmed"]')
        .getAttribute('aria-checked'),
    ).toBe('true');
    const toNote = await tabTo(page, '[data-testid="triage-note"]');
    // The group is one stop: the next Tab leaves it for the note.
    expect(toNote).toHaveLength(1);
    await type('Backdoored vsftpd answers in the lab (keyboard triage)');
    await tabTo(page, '[data-testid="triage-save"]');
    await app.screenshot('21-keyboard-triage');
    await page.keyboard.press('Space');
    await app.testId('triage-saved').waitFor();
    expect(await app.threat.triageBadge().textContent()).toBe('Confirmed');

    // Saved where it counts, not only on screen.
    const record = await session.services().threatIntel(FTP_CVE).get();
    expect(record?.triage.state).toBe('confirmed');
    expect(record?.triage.history.at(-1)?.note).toBe(
      'Backdoored vsftpd answers in the lab (keyboard triage)',
    );
  });
});

describe('schedule controls on the Schedules page', () => {
  it('pauses, runs now, resumes and edits a schedule, refusing a bad edit in one line', async () => {
    const name = 'Lab web check every 45 minutes';
    const created = await session
      .services()
      .schedules()
      .create(
        ScheduleCreateRequest.parse({
          request: {
            name,
            targets: `${LAB_PREFIX}.10`,
            ports: '80',
            scope: `${LAB_PREFIX}.0/24`,
            engine: 'builtin',
          },
          cadence: { kind: 'every', intervalMs: 45 * 60_000 },
        }),
      );
    const stored = () => session.services().schedules().get({ scheduleId: created.scheduleId });
    await app.open('#/schedules');
    const row = app.schedules.row(name);
    await row.waitFor();

    await app.schedules.pause(name);
    await page
      .locator(
        `[data-testid="schedule-row"][data-schedule-id="${created.scheduleId}"][data-state="paused"]`,
      )
      .waitFor();
    expect((await stored())?.state).toBe('paused');
    await row.getByTestId('schedule-paused').waitFor();
    await app.screenshot('22-schedule-paused');

    // Run now starts one campaign and leaves the next due time alone.
    await app.schedules.runNow(name);
    const started = app.schedules.startedCampaign(name);
    await started.waitFor();
    const startedId = (await started.textContent()) ?? '';
    expect(startedId).toMatch(/^c-/);
    expect(await started.getAttribute('href')).toBe(`#/campaigns/${startedId}`);
    const afterRun = await stored();
    expect(afterRun).toMatchObject({ state: 'paused', runCount: 1, nextRunAt: created.nextRunAt });
    expect(
      (await session.services().campaignIndex().list()).map((each) => each.campaignId),
    ).toContain(startedId);
    expect(await row.getByTestId('schedule-run-count').textContent()).toBe('1');

    await app.schedules.resume(name);
    await page
      .locator(
        `[data-testid="schedule-row"][data-schedule-id="${created.scheduleId}"][data-state="active"]`,
      )
      .waitFor();
    expect((await stored())?.state).toBe('active');

    // Edit: every 2 hours, ports 22,80.
    let form = await app.schedules.openEditor(name);
    // The form opens with focus in its first field.
    expect((await focused(page)).element).toContain('[schedule-edit-name]');
    await form.getByTestId('schedule-edit-when').selectOption('every-hours');
    await form.getByTestId('schedule-edit-every').fill('2');
    await form.getByTestId('schedule-edit-ports').fill('22,80');
    await app.screenshot('23-schedule-edit');
    await form.getByTestId('schedule-edit-save').click();
    await form.waitFor({ state: 'detached' });
    expect((await focused(page)).element).toContain('[schedule-edit]');
    await expect
      .poll(() => row.getByTestId('schedule-cadence').textContent())
      .toContain('every 2h');
    const edited = await stored();
    expect(edited?.cadence).toEqual({ kind: 'every', intervalMs: 2 * 3_600_000 });
    expect(edited?.request.ports).toBe('22,80');
    expect(edited?.generation).toBeGreaterThan(afterRun!.generation);

    // A target outside the scope: named in one line, nothing saved.
    form = await app.schedules.openEditor(name);
    await form.getByTestId('schedule-edit-targets').fill('10.0.0.1');
    await form.getByTestId('schedule-edit-save').click();
    const problems = form.getByTestId('schedule-edit-problems');
    await problems.waitFor();
    const lines = await problems.locator('li').allTextContents();
    expect(lines.some((line) => /10\.0\.0\.1/.test(line) && /scope/.test(line))).toBe(true);
    await app.screenshot('24-schedule-edit-refused');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    expect((await stored())?.request.targets).toBe(`${LAB_PREFIX}.10`);

    await app.schedules.remove(name);
    await row.waitFor({ state: 'detached' });
  });
});

describe('re-check outcomes in an open threat page', () => {
  it('shows a remediated threat reopened without a reload, then verified once the service is gone', async () => {
    await app.open(`#/threats/${FTP_CVE}`);
    await app.threat.root().waitFor();
    await app.threat.triage('remediated', 'vsftpd replaced by the lab owner');
    expect(await app.threat.triageBadge().textContent()).toBe('Remediated');
    // Anything that reloads the page drops this marker.
    await page.evaluate('globalThis.__sameDocument = true');

    // A re-check from elsewhere (the CLI, a planned recheck-after): the lab still serves vsftpd 2.3.4.
    const result = await session.services().rechecks().run({ cve: FTP_CVE, trigger: 'manual' });
    expect(result).toMatchObject({
      status: 'applied',
      verdict: 'still-vulnerable',
      reopened: true,
    });
    await expect
      .poll(() => app.threat.triageBadge().textContent(), { timeout: 15_000 })
      .toBe('Confirmed');
    await page
      .locator('[data-testid="threat-verification"][data-state="still-vulnerable"]')
      .waitFor();
    await app.testId('triage-history').getByText('re-check:').first().waitFor();
    expect(await page.evaluate('globalThis.__sameDocument')).toBe(true);
    await app.screenshot('25-threat-reopened-live');

    // "Re-check now" with the service gone: verified, the threat stays remediated.
    await app.threat.triage('remediated', 'vsftpd really gone this time');
    await session.lab.close();
    await app.testId('recheck-now').click();
    await expect
      .poll(() => app.testId('recheck-result').textContent(), { timeout: 30_000 })
      .toBe('Verified fixed');
    await page.locator('[data-testid="threat-verification"][data-state="verified"]').waitFor();
    expect(await app.threat.triageBadge().textContent()).toBe('Remediated');
    expect(await page.evaluate('globalThis.__sameDocument')).toBe(true);
    expect((await session.services().threatIntel(FTP_CVE).get())?.verification?.state).toBe(
      'verified',
    );
    await app.screenshot('26-threat-verified');
  });

  it('has no serious or critical axe-core violation on these screens, light or dark', () => {
    const audits = app.accessibilityAudits;
    process.stdout.write(`axe-core audits (analyst loop):\n${describeAudits(audits)}\n`);
    expect(audits.length).toBe(2 * 7);
    expect(
      audits.flatMap((audit) =>
        blocking(audit).map(
          (v) => `${audit.screen} [${audit.scheme}] ${v.id}: ${v.help} @ ${v.targets.join(', ')}`,
        ),
      ),
    ).toEqual([]);
  });
});
