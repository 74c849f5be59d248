import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { auditScreen, type ScreenAudit } from '../support/accessibility';
import { PROJECT_ROOT } from '../support/spectra-serve';

export const SCREENSHOT_DIR = join(PROJECT_ROOT, 'e2e', 'screenshots');

/** Page objects: every selector the suite uses lives here, by data-testid. */
export class SpectraApp {
  readonly campaigns: CampaignsScreen;
  readonly newCampaign: NewCampaignScreen;
  readonly campaign: CampaignDetailScreen;
  readonly threats: ThreatsScreen;
  readonly threat: ThreatDetailScreen;
  readonly operations: OperationsScreen;
  readonly approvalBanner: ApprovalBannerScreen;
  readonly schedules: SchedulesScreen;
  readonly hosts: HostsScreen;
  /** Every screen photographed is also audited by axe-core, in light and dark. */
  readonly accessibilityAudits: ScreenAudit[] = [];

  constructor(
    readonly page: Page,
    readonly uiUrl: string,
  ) {
    this.campaigns = new CampaignsScreen(page);
    this.newCampaign = new NewCampaignScreen(page);
    this.campaign = new CampaignDetailScreen(page);
    this.threats = new ThreatsScreen(page);
    this.threat = new ThreatDetailScreen(page);
    this.operations = new OperationsScreen(page);
    this.approvalBanner = new ApprovalBannerScreen(page);
    this.schedules = new SchedulesScreen(page);
    this.hosts = new HostsScreen(page);
  }

  testId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  /** A full page load (a hash-only change would not reload the app). */
  async open(hash = '#/campaigns'): Promise<void> {
    await this.page.goto('about:blank');
    await this.page.goto(`${this.uiUrl}/${hash}`);
    await this.testId('app-ready').waitFor();
  }

  async navigate(
    section: 'campaigns' | 'hosts' | 'threats' | 'operations' | 'approvals' | 'schedules',
  ): Promise<void> {
    await this.testId(`nav-${section}`).click();
    await this.testId(`${section}-page`).waitFor();
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path });
    this.accessibilityAudits.push(...(await auditScreen(this.page, name)));
    return path;
  }
}

class CampaignsScreen {
  constructor(private readonly page: Page) {}
  rows(): Locator {
    return this.page.getByTestId('campaign-row');
  }
  async startNew(): Promise<void> {
    await this.page.getByTestId('new-campaign').click();
    await this.page.getByTestId('new-campaign-page').waitFor();
  }
}

export interface CampaignFormInput {
  name: string;
  targets: string;
  scope: string;
  ports: string;
  engine: 'auto' | 'builtin' | 'nmap';
  batchSize: number;
  timeoutMs?: number;
  approval?: 'auto' | 'required' | 'never';
  /** Duration text: `30m`, `2h`. */
  approvalTimeout?: string;
  schedule?:
    | { kind: 'once'; at: string }
    | { kind: 'every-minutes' | 'every-hours'; every: number }
    | { kind: 'daily' | 'weekly' };
}

class NewCampaignScreen {
  constructor(private readonly page: Page) {}
  field(id: string): Locator {
    return this.page.getByTestId(id);
  }
  issues(field: string): Locator {
    return this.page.getByTestId(`issues-${field}`);
  }
  async fill(input: CampaignFormInput): Promise<void> {
    await this.field('campaign-name').fill(input.name);
    await this.field('campaign-targets').fill(input.targets);
    await this.field('campaign-scope').fill(input.scope);
    await this.field('campaign-ports-preset').selectOption('custom');
    await this.field('campaign-ports').fill(input.ports);
    await this.field('campaign-engine').selectOption(input.engine);
    await this.field('campaign-batch-size').fill(String(input.batchSize));
    if (input.timeoutMs !== undefined)
      await this.field('campaign-timeout').fill(String(input.timeoutMs));
    if (input.approval) await this.field('campaign-approval').selectOption(input.approval);
    if (input.approvalTimeout !== undefined)
      await this.field('campaign-approval-timeout').fill(input.approvalTimeout);
    if (input.schedule) {
      await this.field('campaign-schedule').selectOption(input.schedule.kind);
      if (input.schedule.kind === 'once')
        await this.field('campaign-schedule-at').fill(input.schedule.at);
      if (input.schedule.kind === 'every-minutes' || input.schedule.kind === 'every-hours')
        await this.field('campaign-schedule-every').fill(String(input.schedule.every));
    }
  }
  async submit(): Promise<void> {
    await this.field('campaign-submit').click();
  }
  /** A double click: the idempotency key must make it one campaign. */
  async submitTwice(): Promise<void> {
    await this.field('campaign-submit').dblclick();
  }
}

class CampaignDetailScreen {
  constructor(private readonly page: Page) {}
  root(): Locator {
    return this.page.getByTestId('campaign-detail-page');
  }
  async campaignId(): Promise<string> {
    await this.root().waitFor();
    return (await this.root().getAttribute('data-campaign-id')) ?? '';
  }
  async waitForState(state: string, timeout = 150_000): Promise<void> {
    await this.page
      .locator(`[data-testid="campaign-progress"][data-state="${state}"]`)
      .waitFor({ timeout });
  }
  report(): Locator {
    return this.page.getByTestId('campaign-report');
  }
  reportThreat(cve: string): Locator {
    return this.page.locator(`[data-testid="report-threats"] tr[data-cve="${cve}"]`);
  }
  /** The awaiting-approval panel, with its own decision form. */
  approvalPanel(): ApprovalDecisionPanel {
    return new ApprovalDecisionPanel(this.page.getByTestId('campaign-approval'));
  }
  rejectedPanel(): Locator {
    return this.page.getByTestId('campaign-rejected');
  }
  auditEntry(text: string): Locator {
    return this.page.getByTestId('audit-trail').locator('li', { hasText: text });
  }
}

/** A decision form inside some container (the banner, the detail page, the Approvals page). */
export class ApprovalDecisionPanel {
  constructor(readonly root: Locator) {}
  countdown(): Locator {
    return this.root.getByTestId('approval-countdown');
  }
  reasons(): Locator {
    return this.root.getByTestId('approval-reasons');
  }
  error(): Locator {
    return this.root.getByTestId('approval-error');
  }
  private async fillDecision(note: string, by?: string): Promise<void> {
    await this.root.getByTestId('approval-note').fill(note);
    if (by !== undefined) await this.root.getByTestId('approval-by').fill(by);
  }
  async approve(note: string, by?: string): Promise<void> {
    await this.fillDecision(note, by);
    await this.root.getByTestId('approval-approve').click();
  }
  async reject(note: string, by?: string): Promise<void> {
    await this.fillDecision(note, by);
    await this.root.getByTestId('approval-reject').click();
  }
}

class ApprovalBannerScreen extends ApprovalDecisionPanel {
  constructor(page: Page) {
    super(page.getByTestId('approval-banner'));
  }
  campaignLink(): Locator {
    return this.root.getByTestId('approval-campaign-link');
  }
}

class SchedulesScreen {
  constructor(private readonly page: Page) {}
  row(name: string): Locator {
    return this.page.getByTestId('schedule-row').filter({ hasText: name });
  }
  async remove(name: string): Promise<void> {
    await this.row(name).getByTestId('schedule-remove').click();
    await this.row(name).getByTestId('schedule-remove-confirm').click();
  }
  async pause(name: string): Promise<void> {
    await this.row(name).getByTestId('schedule-pause').click();
  }
  async resume(name: string): Promise<void> {
    await this.row(name).getByTestId('schedule-resume').click();
  }
  async runNow(name: string): Promise<void> {
    await this.row(name).getByTestId('schedule-run-now').click();
  }
  /** The started campaign's link after "Run now". */
  startedCampaign(name: string): Locator {
    return this.row(name).getByTestId('schedule-started-campaign');
  }
  /** Opens the inline edit form of a schedule (the row after it). */
  async openEditor(name: string): Promise<Locator> {
    await this.row(name).getByTestId('schedule-edit').click();
    const form = this.page.getByTestId('schedule-edit-form');
    await form.waitFor();
    return form;
  }
}

class ThreatsScreen {
  constructor(private readonly page: Page) {}
  row(cve: string): Locator {
    return this.page.locator(`[data-testid="threat-row"][data-cve="${cve}"]`);
  }
  rows(): Locator {
    return this.page.getByTestId('threat-row');
  }
  async search(text: string): Promise<void> {
    await this.page.getByTestId('threat-search').fill(text);
  }
  async toggleSeverity(severity: string): Promise<void> {
    await this.page.locator(`[data-testid="severity-filter"] [data-value="${severity}"]`).click();
  }
  async sortBy(column: string): Promise<void> {
    await this.page.getByTestId(`sort-${column}`).click();
  }
  viewport(): Locator {
    return this.page.getByTestId('threat-rows');
  }
}

class ThreatDetailScreen {
  constructor(private readonly page: Page) {}
  root(): Locator {
    return this.page.getByTestId('threat-detail-page');
  }
  async triage(state: string, note: string): Promise<void> {
    await this.page.locator(`[data-testid="triage-states"] [data-value="${state}"]`).click();
    await this.page.getByTestId('triage-note').fill(note);
    await this.page.getByTestId('triage-save').click();
    await this.page.getByTestId('triage-saved').waitFor();
  }
  triageBadge(): Locator {
    return this.root().getByTestId('triage-state');
  }
}

class OperationsScreen {
  constructor(private readonly page: Page) {}
  serverState(): Locator {
    return this.page.getByTestId('server-state');
  }
  handlerRow(serviceDotHandler: string): Locator {
    return this.page.locator(
      `[data-testid="ops-handlers"] tr[data-handler="${serviceDotHandler}"]`,
    );
  }
}

class HostsScreen {
  constructor(private readonly page: Page) {}
  async search(text: string): Promise<void> {
    await this.page.getByTestId('host-search').fill(text);
  }
  rows(): Locator {
    return this.page.getByTestId('host-row');
  }
  row(address: string): Locator {
    return this.page.locator(`[data-testid="host-row"][data-address="${address}"]`);
  }
  detail(): Locator {
    return this.page.getByTestId('host-detail-page');
  }
}
