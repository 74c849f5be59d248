import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOptions, connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import { FINISHED_CAMPAIGN_STATES, type CampaignProgress } from '../../shared/campaign.js';
import { hostProgressOf } from '../../shared/campaign-host-progress.js';
import { ProgressDisplay } from '../../cli/progress-display.js';
import { generateLab, startLoopbackLab, type LoopbackLab } from '../../../test/lab/loopback-lab.js';
import { startTemporaryAppHost } from '../../../test/support/temporary-host.js';
import type { Host } from '../../main/host/host-runtime.js';

/**
 * A single-batch campaign's progress moves per host while its batch runs: a
 * real restate-server, the app's services in this process (local mode) and a
 * loopback lab, slowed deterministically by the campaign's own rate limit
 * (40 hosts x 3 ports at 30 probes/s: about 4 s of probing).
 */
const HOSTS = 40;
const REQUEST = {
  name: 'live progress',
  targets: `127.93.7.1-127.93.7.${HOSTS}`,
  ports: '22,80,81',
  scope: '127.93.7.0/24',
  engine: 'builtin' as const,
  batchSize: HOSTS,
  batchesInFlight: 1,
  ratePerSecond: 30,
  connectTimeoutMs: 500,
};
const POLL_MS = 100;
const CAMPAIGN_LIMIT_MS = 60_000;

let lab: LoopbackLab;
let host: Host & { dispose: () => Promise<void> };
let services: SpectraClients;

beforeAll(async () => {
  lab = await startLoopbackLab(
    generateLab({ hostCount: HOSTS, base: '127.93.7.0', openPortsPerHost: 2 }),
    { waitForAddressMs: 10_000 },
  );
  host = await startTemporaryAppHost();
  services = connectSpectra(host.ingress);
});

afterAll(async () => {
  await host?.dispose();
  await lab?.close();
});

describe('live per-host progress', () => {
  it('reports hosts finished inside the one running batch before it ends', async () => {
    const { campaignId } = await services
      .campaigns()
      .submit(REQUEST, callOptions({ idempotencyKey: `live-progress-${Date.now()}` }));
    const workflow = services.campaignWorkflow(campaignId);

    const samples: CampaignProgress[] = [];
    const deadline = Date.now() + CAMPAIGN_LIMIT_MS;
    for (;;) {
      const progress = await workflow.progress();
      if (progress) samples.push(progress);
      if (progress && FINISHED_CAMPAIGN_STATES.includes(progress.state)) break;
      if (Date.now() > deadline)
        throw new Error(`campaign ${campaignId} did not finish in ${CAMPAIGN_LIMIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }

    const final = samples.at(-1)!;
    expect(final.state).toBe('completed');
    expect(final.batches).toHaveLength(1);
    expect(final.totals.targetsDone).toBe(HOSTS);
    expect(final.live).toBeUndefined();

    // While the one batch ran, the durable totals said 0 and the live count moved between.
    const intermediate = samples.filter(
      (sample) =>
        sample.state === 'scanning' &&
        sample.totals.targetsDone === 0 &&
        sample.live !== undefined &&
        sample.live.hostsScanned > 0 &&
        sample.live.hostsScanned < HOSTS,
    );
    expect(intermediate.length).toBeGreaterThan(0);
    const liveCounts = samples
      .filter((sample) => sample.state === 'scanning' && sample.live)
      .map((sample) => sample.live!.hostsScanned);
    // Several distinct values: per host, not per batch.
    expect(new Set(liveCounts).size).toBeGreaterThan(2);
    expect(liveCounts).toEqual([...liveCounts].sort((left, right) => left - right));
    const percents = samples.map((sample) => hostProgressOf(sample).percent);
    expect(percents.some((percent) => percent > 0 && percent < 100)).toBe(true);
    expect(percents.at(-1)).toBe(100);

    // The CLI's bar, drawn from these very samples, shows the in-between values too.
    const writes: string[] = [];
    const display = new ProgressDisplay({
      isTTY: true,
      columns: 200,
      write: (text: string) => writes.push(text) > 0,
    } as never);
    for (const sample of samples) display.update(sample);
    const drawn = writes.map((write) => Number(/\] (\d+)%/.exec(write)?.[1] ?? -1));
    expect(drawn.some((percent) => percent > 0 && percent < 100)).toBe(true);
    // Every lab host was probed once per open port: the rate limit slowed the scan, nothing else.
    expect(lab.connectionCounts().byHost.size).toBe(HOSTS);
  });
});
