import { callOptions, connectSpectra } from '../../src/clients/service-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignRequest } from '../../src/shared/campaign.js';
import { startTemporaryAppHost } from '../support/temporary-host.js';
import { startWideLab, type WideLab } from '../support/wide-lab.js';

/**
 * Issue 16 item 3: 24 hosts x 1,000 open ports with 1.1 KB banners used to
 * make one batch result of ~52 MB, above Restate's ~32 MiB message limit: the
 * batch failed with RT0003 and was re-probed without end. Batch results are
 * now bounded by construction (banner cap, result size cap, adaptive batch
 * size), so the campaign completes, even forced into one batch, and no port
 * is probed more than twice.
 */
const HOSTS = 24;
const PORTS: [number, number] = [21001, 22000];
const MESSAGE_LIMIT_BYTES = 32 * 2 ** 20;

let lab: WideLab;
let host: Awaited<ReturnType<typeof startTemporaryAppHost>>;

beforeAll(async () => {
  lab = await startWideLab({
    hostRanges: [
      ['127.71.0.1', '127.71.0.12'],
      ['127.71.0.13', '127.71.0.24'],
    ],
    ports: PORTS,
    bannerBytes: 1100,
  });
  host = await startTemporaryAppHost();
}, 120_000);

afterAll(async () => {
  await host?.dispose();
  await lab?.close();
});

async function query(sql: string): Promise<Array<Record<string, unknown>>> {
  return host.admin.query(sql);
}

describe('a batch whose results would exceed the message limit', () => {
  it(
    'completes in one forced batch, every port probed at most twice',
    { timeout: 300_000 },
    async () => {
      const services = connectSpectra(host.ingress);
      // The Scanner keeps no journals by default: this run keeps its batch's to measure it.
      await host.admin.setJournalRetention('Scanner', '1h');
      const request: CampaignRequest = {
        name: 'message limit',
        targets: '127.71.0.1-127.71.0.24',
        ports: `${PORTS[0]}-${PORTS[1]}`,
        scope: '127.71.0.0/24',
        engine: 'builtin',
        // The worst case: everything in one batch (adaptive tuning would cut it in three).
        batchSize: HOSTS,
        batchesInFlight: 1,
        approval: 'never',
      };
      const { campaignId } = await services
        .campaigns()
        .submit(request, callOptions({ idempotencyKey: 'message-limit' }));
      const final = await services.campaignWorkflow(campaignId).workflowAttach();
      expect(final.state).toBe('completed');
      const report = (await services.campaignReport(campaignId))!;
      expect(report.totals).toMatchObject({ targets: HOSTS, targetsDone: HOSTS, hostsUp: HOSTS });
      expect(report.totals.openPorts).toBe(HOSTS * 1000);
      expect(report.failedBatches).toEqual([]);

      const counts = await lab.counts();
      expect(counts.size).toBe(HOSTS * 1000);
      const most = Math.max(...counts.values());
      expect(most).toBeLessThanOrEqual(2);

      // The batch's probe result is the largest entry of the Scanner's journal.
      const [largest] = await query(
        `SELECT COUNT(*) AS entries, MAX(j.raw_length) AS bytes FROM sys_journal j
         JOIN sys_invocation i ON j.id = i.id WHERE i.target_service_name = 'Scanner'`,
      );
      expect(Number(largest!.entries)).toBeGreaterThan(0);
      expect(Number(largest!.bytes)).toBeLessThan(MESSAGE_LIMIT_BYTES / 2);
      process.stdout.write(
        `[message limit] ${counts.size} ports, at most ${most} probe(s) each; largest journal entry ${(Number(largest!.bytes) / 2 ** 20).toFixed(2)} MiB; batch note: ${report.hosts.length} hosts reported\n`,
      );
    },
  );
});
