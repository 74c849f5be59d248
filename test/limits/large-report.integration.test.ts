import * as restate from '@restatedev/restate-sdk';
import * as clients from '@restatedev/restate-sdk-clients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSpectra } from '../../src/clients/service-clients.js';
import { servicesForDataDir } from '../../src/main/app-services.js';
import { campaignResultsObject } from '../../src/services/campaigns/campaign-results-object.js';
import type { BatchResult, ParsedCampaignRequest } from '../../src/shared/campaign.js';
import type { CampaignMetadata } from '../../src/shared/campaign-report.js';
import { packFindings } from '../../src/shared/packed-findings.js';
import type { Observation } from '../../src/shared/observation.js';
import { startTemporaryHost, temporaryDataDir } from '../support/temporary-host.js';

/**
 * A campaign whose results together pass Restate's ~32 MiB limits (one
 * answer, one invocation's state read): its report is still read whole.
 * Measured before: a 45,000-host import's report paused on the server with
 * "memory budget exhausted while reading service state: needed 32.0 MiB" and
 * `spectra campaign` gave up after 30 s. The results are written by a seeding
 * service through CampaignResults' own handlers (no scan needed for the
 * size, and no traffic at all): 5 batches of 25,000 open ports with 200-byte
 * banners, about 10 MiB each.
 */
const BATCHES = 5;
const PORTS_PER_BATCH = 25_000;
const PORTS_PER_HOST = 100;
const MESSAGE_LIMIT_BYTES = 32 * 2 ** 20;
const CAMPAIGN_ID = 'c-large-report';
const AT = '2026-12-01T12:00:00.000Z';

function seededBatch(index: number): BatchResult {
  const observations: Observation[] = [];
  const hosts = PORTS_PER_BATCH / PORTS_PER_HOST;
  for (let host = 0; host < hosts; host += 1) {
    // 127.72.<batch>.<host>: addresses only, nothing is probed.
    const address = `127.72.${index}.${host + 1}`;
    for (let port = 1; port <= PORTS_PER_HOST; port += 1) {
      observations.push({
        host: address,
        port,
        protocol: 'tcp',
        state: 'open',
        service: 'http',
        banner: `HTTP/1.1 200 OK\nServer: seeded-${index}-${host}-${port}\n`.padEnd(200, 'x'),
        engine: 'builtin',
        observedAt: AT,
      });
    }
  }
  return {
    index,
    state: 'done',
    engine: 'builtin',
    targets: hosts,
    skipped: [],
    hosts: Array.from({ length: hosts }, (_, host) => ({
      host: `127.72.${index}.${host + 1}`,
      reachable: true,
      open: PORTS_PER_HOST,
      closed: 0,
      filtered: 0,
    })),
    observations,
    findings: packFindings([]),
    startedAt: AT,
    finishedAt: AT,
  };
}

const seeder = restate.service({
  name: 'LargeReportSeed',
  handlers: {
    seed: async (context: restate.Context): Promise<void> => {
      const results = context.objectClient(campaignResultsObject, CAMPAIGN_ID);
      for (let index = 0; index < BATCHES; index += 1) await results.storeBatch(seededBatch(index));
      const request = {
        name: 'large report',
        targets: `127.72.0.1-127.72.${BATCHES - 1}.250`,
        ports: `1-${PORTS_PER_HOST}`,
        scope: '127.72.0.0/16',
        engine: 'builtin',
      } as ParsedCampaignRequest;
      const metadata: CampaignMetadata = {
        campaignId: CAMPAIGN_ID,
        name: 'large report',
        request,
        engine: 'builtin',
        targets: (BATCHES * PORTS_PER_BATCH) / PORTS_PER_HOST,
        startedAt: AT,
        finishedAt: AT,
        state: 'completed',
      };
      await results.setMetadata(metadata);
      await results.appendAudit({ at: AT, actor: 'test', event: 'seeded', detail: 'large report' });
    },
  },
});

let host: Awaited<ReturnType<typeof startTemporaryHost>>;
const scratch = temporaryDataDir('spectra-large-report-');

beforeAll(async () => {
  host = await startTemporaryHost({
    dataDir: scratch.dataDir,
    services: [...servicesForDataDir(scratch.dataDir), seeder],
  });
}, 120_000);

afterAll(async () => {
  await host?.dispose();
  scratch.remove();
});

describe('the report of a campaign larger than one Restate message', () => {
  it('is read whole, batch by batch', { timeout: 300_000 }, async () => {
    const stored = Array.from({ length: BATCHES }, (_, index) =>
      Buffer.byteLength(JSON.stringify(seededBatch(index))),
    ).reduce((sum, bytes) => sum + bytes, 0);
    // Otherwise this test would not show anything.
    expect(stored).toBeGreaterThan(MESSAGE_LIMIT_BYTES * 1.25);

    await clients
      .connect(host.ingress)
      .serviceClient<typeof seeder>({ name: 'LargeReportSeed' })
      .seed();
    const services = connectSpectra(host.ingress);
    const report = (await services.campaignReport(CAMPAIGN_ID))!;
    expect(report.state).toBe('completed');
    expect(report.hosts).toHaveLength((BATCHES * PORTS_PER_BATCH) / PORTS_PER_HOST);
    expect(report.hosts.reduce((sum, entry) => sum + entry.ports.length, 0)).toBe(
      BATCHES * PORTS_PER_BATCH,
    );
    expect(report.hosts[0]!.ports[0]!.banner).toMatch(/^HTTP\/1\.1 200 OK\nServer: seeded-0-0-1/);
    expect(report.audit.map((entry) => entry.event)).toEqual(['seeded']);
    expect(report.totals.openPorts).toBe(BATCHES * PORTS_PER_BATCH);
    expect(await services.campaignReport('c-no-such-campaign')).toBeNull();
    process.stdout.write(
      `[large report] ${(stored / 2 ** 20).toFixed(1)} MiB of batch results in ${BATCHES} batches: report of ${report.hosts.length} hosts read whole\n`,
    );
  });
});
