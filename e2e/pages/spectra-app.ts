import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
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

  async navigate(section: 'campaigns' | 'threats' | 'operations'): Promise<void> {
    await this.testId(`nav-${section}`).click();
    await this.testId(`${section}-page`).waitFor();
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path });
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
