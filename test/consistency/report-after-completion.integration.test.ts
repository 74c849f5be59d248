import * as clients from '@restatedev/restate-sdk-clients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spectraClients, type SpectraClients } from '../../src/clients/service-clients.js';
import type { Host } from '../../src/main/host/host-runtime.js';
import type { CampaignRequest } from '../../src/shared/campaign.js';
import { startTemporaryAppHost, waitFor } from '../support/temporary-host.js';

/**
 * Issue 16 item 14: a report read right after the campaign's progress first
 * says `completed` must already be the final one (never `complete: false`
 * with a non-final state). The workflow writes metadata and listing before
 * its own final state; this reads the report the moment progress flips, over
 * several small campaigns. Addresses 127.67.x have no listeners: probes are
 * refused at once.
 */
const CAMPAIGNS = 8;

let host: Host & { dispose: () => Promise<void> };
let services: SpectraClients;
beforeAll(async () => {
  host = await startTemporaryAppHost();
  services = spectraClients(clients.connect(host.ingress));
}, 60_000);
afterAll(async () => {
  await host?.dispose();
});

describe('a report read as soon as the campaign completes', () => {
  it('is final: state completed and complete: true', { timeout: 120_000 }, async () => {
    for (let run = 0; run < CAMPAIGNS; run++) {
      const request: CampaignRequest = {
        name: `consistency ${run}`,
        targets: `127.67.${run}.1-127.67.${run}.${4 + run}`,
        ports: '22,80',
        scope: `127.67.${run}.0/24`,
        engine: 'builtin',
        connectTimeoutMs: 500,
        batchSize: 2,
      };
      const { campaignId } = await services
        .campaigns()
        .submit(request, clients.rpc.opts({ idempotencyKey: `consistency-${run}-${Date.now()}` }));
      // Poll progress without pause, and read the report the moment it says completed.
      const progress = await waitFor(
        `${campaignId} completed`,
        async () => {
          const current = await services.campaignWorkflow(campaignId).progress();
          return current?.state === 'completed' ? current : undefined;
        },
        60_000,
      );
      const report = await services.campaignResults(campaignId).report();
      expect(report, `report of ${campaignId}`).not.toBeNull();
      expect({ state: report!.state, complete: report!.complete }).toEqual({
        state: 'completed',
        complete: true,
      });
      expect(report!.totals).toEqual(progress.totals);
      const listing = (await services.campaignIndex().list()).find(
        (entry) => entry.campaignId === campaignId,
      );
      expect(listing?.state).toBe('completed');
    }
  });
});
