import { callOptions, connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_EXPECTED_CVES } from '../../../test/lab/lab-expectations.js';
import {
  STANDARD_LAB,
  startLoopbackLab,
  type LoopbackLab,
} from '../../../test/lab/loopback-lab.js';
import { startTemporaryAppHost, waitFor } from '../../../test/support/temporary-host.js';
import { runCampaign } from '../../../test/support/campaign-client.js';
import type { Host } from '../../main/host/host-runtime.js';
import { dataDirLayout } from '../../main/host/data-dir.js';
import { existsSync, readFileSync } from 'node:fs';

const LAB_REQUEST = {
  name: 'standard lab',
  targets: '127.10.0.1-127.10.0.30',
  ports: '21,22,25,80,3306,6379',
  scope: '127.10.0.0/24',
  batchSize: 8,
  connectTimeoutMs: 500,
};

let lab: LoopbackLab;
let host: Host & { dispose: () => Promise<void> };
let services: SpectraClients;

beforeAll(async () => {
  lab = await startLoopbackLab(STANDARD_LAB, { waitForAddressMs: 10_000 });
  host = await startTemporaryAppHost();
  services = connectSpectra(host.ingress);
});

afterAll(async () => {
  await host?.dispose();
  await lab?.close();
});

/** restate-server's log lines about invocation attempts that failed and were retried. */
function retriedAttempts(): string[] {
  const logFile = dataDirLayout(host.dataDir).restateLogFile;
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('Invocation error, retrying'));
}

describe('campaigns against the loopback lab', () => {
  it.each(['builtin', 'nmap'] as const)(
    'finds every expected CVE with the %s engine',
    async (engine) => {
      const retriesBefore = retriedAttempts();
      const { campaignId, progress, report } = await runCampaign(host.ingress, {
        ...LAB_REQUEST,
        engine,
      });
      expect(progress.state).toBe('completed');
      // A healthy campaign never needs Restate to retry a step (each retry replays
      // the journal: a batch awaiting two promises at once once cost ~0.25 s this way).
      expect(retriedAttempts().slice(retriesBefore.length)).toEqual([]);
      expect(await services.campaignWorkflow(campaignId).status()).toBe('completed');
      expect(report.complete).toBe(true);
      expect(report.engine).toBe(engine);
      expect(report.totals.targets).toBe(30);
      expect(report.totals.targetsDone).toBe(30);

      const found: Record<string, string[]> = {};
      for (const reportHost of report.hosts) {
        for (const port of reportHost.ports)
          found[`${reportHost.host}:${port.port}`] = [...port.cves].sort();
      }
      expect(found).toEqual(
        Object.fromEntries(
          Object.entries(LAB_EXPECTED_CVES).map(([key, cves]) => [key, [...cves].sort()]),
        ),
      );

      // Each finding became (or updated) its CVE's threat record.
      const apache = await waitFor('threat record of CVE-2021-41773', async () => {
        const record = await services.threatIntel('CVE-2021-41773').get();
        return record?.updates.some((update) => update.campaignId === campaignId)
          ? record
          : undefined;
      });
      expect(apache.affected.map((service) => `${service.host}:${service.port}`)).toEqual([
        '127.10.0.10:80',
      ]);
      expect(apache.severity).toBe('high');

      const campaigns = await services.campaignIndex().list();
      expect(campaigns.find((listing) => listing.campaignId === campaignId)?.state).toBe(
        'completed',
      );
    },
  );

  it('counts each (campaign, host, port) once per threat and keeps triage history', async () => {
    const threat = services.threatIntel('CVE-2011-2523');
    const before = await waitFor('vsftpd record', () => threat.get());
    // Two campaigns ran (builtin and nmap): one sighting each on 127.10.0.11:21.
    expect(before.affected).toHaveLength(1);
    expect(before.affected[0]!.sightings).toBe(2);
    expect(before.totalSightings).toBe(2);

    const triaged = await threat.triage({
      state: 'confirmed',
      note: 'backdoor answered on 6200',
      actor: 'analyst',
    });
    expect(triaged.triage.state).toBe('confirmed');
    expect(triaged.triage.history).toEqual([
      expect.objectContaining({
        state: 'confirmed',
        previousState: 'new',
        note: 'backdoor answered on 6200',
      }),
    ]);
    const rows = await waitFor('index row confirmed', async () => {
      const list = await services.threatIndex().list({ triageState: ['confirmed'] });
      return list.length ? list : undefined;
    });
    expect(rows.map((row) => row.cve)).toEqual(['CVE-2011-2523']);
  });

  it('starts a campaign once per idempotency key and refuses bad input before starting anything', async () => {
    const campaigns = services.campaigns();
    const first = await campaigns.submit(
      { ...LAB_REQUEST, name: 'twice' },
      callOptions({ idempotencyKey: 'double-click' }),
    );
    const second = await campaigns.submit(
      { ...LAB_REQUEST, name: 'twice' },
      callOptions({ idempotencyKey: 'double-click' }),
    );
    expect(second.campaignId).toBe(first.campaignId);
    await services.campaignWorkflow(first.campaignId).workflowAttach();

    const before = await services.campaignIndex().list();
    await expect(
      campaigns.submit({ ...LAB_REQUEST, targets: '127.10.0.300, -oN', scope: '127.10.0.0/24' }),
    ).rejects.toThrow(/\\?"127\.10\.0\.300\\?": octet out of range.*\\?"-oN\\?": not a target/);
    await expect(campaigns.submit({ ...LAB_REQUEST, targets: '10.0.0.1' })).rejects.toThrow(
      /\\?"10\.0\.0\.1\\?": outside scope/,
    );
    const after = await services.campaignIndex().list();
    expect(after.length).toBe(before.length);
  });

  it('cancels a running campaign, keeping the batches it finished', async () => {
    const campaigns = services.campaigns();
    // 127.30.0.0/22 has no listeners: every probe is refused; batches of 64 with 1 in flight.
    const { campaignId } = await campaigns.submit({
      name: 'to cancel',
      targets: '127.30.0.0/22',
      ports: '1-200',
      scope: '127.30.0.0/16',
      engine: 'builtin',
      batchSize: 64,
      batchesInFlight: 1,
    });
    const workflow = services.campaignWorkflow(campaignId);
    await waitFor(
      'one batch done',
      async () => ((await workflow.progress())?.totals.targetsDone ?? 0) >= 64,
    );
    expect(await workflow.cancel('enough')).toEqual({ accepted: true });
    const final = await workflow.workflowAttach();
    expect(final.state).toBe('cancelled');
    expect(final.totals.targetsDone).toBeGreaterThanOrEqual(64);
    expect(final.totals.targetsDone).toBeLessThan(1024);
    expect(await workflow.cancel('again')).toEqual({ accepted: false });
  });
});
