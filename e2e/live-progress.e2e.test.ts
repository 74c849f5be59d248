import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOptions } from '../src/clients/service-clients';
import { generateLab } from '../test/lab/loopback-lab';
import type { SpectraApp } from './pages/spectra-app';
import { blocking } from './support/accessibility';
import { startSpectraSession, type SpectraSession } from './support/spectra-session';

/**
 * The campaign page's progress bar moves per host while a single batch runs
 * (it used to jump from 0 % to 100 %). The campaign's own rate limit makes the
 * scan slow enough, deterministically: 40 hosts x 3 ports at 15 probes/s is
 * about 8 s of probing, several of the page's one-second polls.
 */
const HOSTS = 40;
const LAB_PREFIX = '127.94.7';
const SAMPLE_MS = 200;
const CAMPAIGN_LIMIT_MS = 90_000;

let session: SpectraSession;
let page: Page;
let app: SpectraApp;

beforeAll(async () => {
  session = await startSpectraSession({
    lab: generateLab({ hostCount: HOSTS, base: `${LAB_PREFIX}.0`, openPortsPerHost: 2 }),
    labOptions: { waitForAddressMs: 10_000 },
  });
  ({ page, app } = session);
});

afterAll(() => session?.close());

interface BarSample {
  state: string | null;
  percent: string | null;
  valueNow: string | null;
  hosts: string | null;
  live: string | null;
}

/**
 * One snapshot of the bar in one turn of the page's event loop: reading the
 * fields one call at a time could straddle a re-render and pair one poll's
 * percent with the next's (seen once under load).
 */
const SAMPLE_BAR = `(() => {
  const part = (testId) => document.querySelector('[data-testid="' + testId + '"]');
  const bar = part('campaign-progress');
  return {
    state: bar?.getAttribute('data-state') ?? null,
    percent: part('progress-percent')?.textContent ?? null,
    valueNow: bar?.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') ?? null,
    hosts: part('progress-hosts')?.textContent ?? null,
    live: part('progress-hosts')?.getAttribute('data-live') ?? null,
  };
})()`;

describe('live progress in the browser', () => {
  it('moves the campaign bar per host inside one batch, then ends at 100 %', async () => {
    const submitted = await session
      .services()
      .campaigns()
      .submit(
        {
          name: 'Live progress',
          targets: `${LAB_PREFIX}.1-${LAB_PREFIX}.${HOSTS}`,
          ports: '22,80,81',
          scope: `${LAB_PREFIX}.0/24`,
          engine: 'builtin',
          batchSize: HOSTS,
          batchesInFlight: 1,
          ratePerSecond: 15,
          connectTimeoutMs: 500,
        },
        callOptions({ idempotencyKey: `e2e-live-progress-${Date.now()}` }),
      );
    await app.open(`#/campaigns/${submitted.campaignId}`);
    await app.testId('campaign-progress').waitFor();

    const samples: BarSample[] = [];
    let photographed = false;
    const deadline = Date.now() + CAMPAIGN_LIMIT_MS;
    for (;;) {
      // One snapshot of the DOM in one turn of the page's event loop: reading the fields one
      // call at a time could straddle a re-render and pair one poll's percent with the next's.
      const sample = (await page.evaluate(SAMPLE_BAR)) as BarSample;
      samples.push(sample);
      const percent = Number.parseInt(sample.percent ?? '', 10);
      if (!photographed && sample.state === 'scanning' && percent > 0 && percent < 100) {
        photographed = true;
        await app.screenshot('campaign-live-progress');
      }
      if (sample.state === 'completed') break;
      if (Date.now() > deadline)
        throw new Error(`the campaign did not complete in ${CAMPAIGN_LIMIT_MS} ms`);
      await page.waitForTimeout(SAMPLE_MS);
    }

    const intermediate = samples.filter((sample) => {
      const percent = Number.parseInt(sample.percent ?? '', 10);
      return sample.state === 'scanning' && percent > 0 && percent < 100;
    });
    // The one batch was running: the bar moved from live host counts, several times.
    expect(intermediate.length).toBeGreaterThan(0);
    expect(intermediate.every((sample) => sample.live === 'true')).toBe(true);
    expect(new Set(intermediate.map((sample) => sample.percent)).size).toBeGreaterThan(1);
    for (const sample of intermediate) {
      expect(sample.valueNow).toBe(sample.percent?.replace('%', ''));
      const done = Number(/^(\d+) of 40 hosts$/.exec(sample.hosts ?? '')?.[1]);
      expect(done).toBeGreaterThan(0);
      expect(done).toBeLessThan(HOSTS + 1);
    }
    const percents = samples.map((sample) => Number.parseInt(sample.percent ?? '0', 10));
    expect(percents).toEqual([...percents].sort((left, right) => left - right));
    const final = samples.at(-1)!;
    expect(final.percent).toBe('100%');
    expect(final.hosts).toBe(`${HOSTS} of ${HOSTS} hosts`);
    expect(final.live).toBe('false');
    // The page with a moving bar passes axe-core (serious and critical) in both themes.
    expect(app.accessibilityAudits.flatMap(blocking)).toEqual([]);
  });
});
