import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callOptions,
  connectSpectra,
  type SpectraClients,
} from '../../src/clients/service-clients.js';
import type { Host } from '../../src/main/host/host-runtime.js';
import type { CampaignRequest } from '../../src/shared/campaign.js';
import { STANDARD_LAB, startLoopbackLab, type LoopbackLab } from '../lab/loopback-lab.js';
import { startTemporaryAppHost, waitFor } from '../support/temporary-host.js';

/**
 * The standard lab's vulnerable services moved to 127.67.200.x, so this suite
 * never waits for another suite's lab.
 */
const LAB_PREFIX = '127.67.200';
const VULNERABLE_LAB = {
  name: 'consistency',
  services: STANDARD_LAB.services.map((service) => ({
    ...service,
    host: service.host.replace(/^127\.10\.0\./, `${LAB_PREFIX}.`),
  })),
};

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
let lab: LoopbackLab;
beforeAll(async () => {
  lab = await startLoopbackLab(VULNERABLE_LAB);
  host = await startTemporaryAppHost();
  services = connectSpectra(host.ingress);
}, 60_000);
afterAll(async () => {
  await host?.dispose();
  await lab?.close();
});

/** Submits a campaign and returns its progress the moment it first says completed. */
async function runUntilCompleted(request: CampaignRequest, key: string) {
  const { campaignId } = await services
    .campaigns()
    .submit(request, callOptions({ idempotencyKey: `${key}-${Date.now()}` }));
  // Poll progress without pause, and read the rest the moment it says completed.
  const progress = await waitFor(
    `${campaignId} completed`,
    async () => {
      const current = await services.campaignWorkflow(campaignId).progress();
      return current?.state === 'completed' ? current : undefined;
    },
    60_000,
  );
  return { campaignId, progress };
}

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
      const { campaignId, progress } = await runUntilCompleted(request, `consistency-${run}`);
      const report = await services.campaignReport(campaignId);
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

const QUEUED_AHEAD = 1000;

async function queueRefusedWork(
  count: number,
  on: { threat: boolean; inventory: boolean },
): Promise<void> {
  const vsftpdBackdoor = services.send.threatIntel('CVE-2011-2523');
  const inventory = services.send.hostInventory();
  // Sent in bursts, so the queue grows faster than the objects drain it.
  for (let sent = 0; sent < count; sent += 100) {
    await Promise.all(
      Array.from({ length: 100 }, () => [
        on.threat && vsftpdBackdoor.triage({ state: 'not-a-state' } as never),
        on.inventory && inventory.triage({ address: '', cve: 'not-a-cve' } as never),
      ]).flat(),
    );
  }
}

describe('the threats table and the host inventory as soon as a campaign completes', () => {
  it(
    'list every CVE and every host of its report (a batch is done only when both have it)',
    { timeout: 120_000 },
    async () => {
      for (let run = 0; run < 3; run++) {
        // Queue work ahead of the campaign on one threat record and on the inventory (exclusive
        // handlers, in order; each refused as invalid): a recording that did not wait for them
        // would land after the campaign says completed, and this test would see it missing.
        // One at a time, then both: awaiting one must not hide that the other was not awaited.
        await queueRefusedWork(QUEUED_AHEAD, { threat: run !== 1, inventory: run !== 0 });
        const { campaignId } = await runUntilCompleted(
          {
            name: `threats consistency ${run}`,
            targets: `${LAB_PREFIX}.10-${LAB_PREFIX}.30`,
            ports: '21,22,25,80,3306,6379',
            scope: `${LAB_PREFIX}.0/24`,
            engine: 'builtin',
            connectTimeoutMs: 500,
            batchSize: 3,
          },
          `threats-consistency-${run}`,
        );
        const [report, threats, hosts] = await Promise.all([
          services.campaignReport(campaignId),
          services.threatIndex().list({}),
          services.hosts(),
        ]);
        expect(report!.threats.length).toBeGreaterThan(10);
        const rows = new Map(threats.map((row) => [row.cve, row]));
        for (const threat of report!.threats) {
          expect(rows.get(threat.cve), `${threat.cve} in the threats table`).toBeDefined();
          expect(rows.get(threat.cve)!.affectedServices).toBeGreaterThanOrEqual(
            threat.affected.length,
          );
          // This campaign's sighting, not an earlier campaign's, made the row.
          expect(
            rows.get(threat.cve)!.lastSeen >= report!.startedAt!,
            `${threat.cve} last seen by ${campaignId}`,
          ).toBe(true);
        }
        const inventory = new Map(hosts.map((record) => [record.address, record]));
        for (const reported of report!.hosts.filter((entry) => entry.ports.length > 0)) {
          const record = inventory.get(reported.host);
          expect(record, `${reported.host} in the host inventory`).toBeDefined();
          expect(record!.campaigns.map((entry) => entry.campaignId)).toContain(campaignId);
        }
      }
    },
  );
});
