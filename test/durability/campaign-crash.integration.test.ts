import type { IngressTransport } from '../../src/main/host/ingress-transport.js';
import { callOptions, connectSpectra } from '../../src/clients/service-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignReport, CampaignRequest } from '../../src/shared/campaign.js';
import { generateLab, startLoopbackLab, type LoopbackLab } from '../lab/loopback-lab.js';
import { isAlive, temporaryDataDir, waitFor } from '../support/temporary-host.js';
import { startServeProcess } from '../support/serve-process.js';

/**
 * Crash and restart, against real restate-server processes and a real lab of
 * 2,040 loopback hosts: the campaign survives a SIGKILL of the process running
 * the services endpoint, and of restate-server itself, with the same results
 * as an uninterrupted run, no host probed more than twice and every threat
 * counting each (campaign, host, port) once.
 */
const LAB = generateLab({ base: '127.20.0.0', hostCount: 2040, openPortsPerHost: 2 });
const CAMPAIGN: CampaignRequest = {
  name: 'crash test',
  targets: '127.20.0.0/21',
  exclusions: '127.20.7.248/29',
  ports: '21,22,25,80,8080',
  scope: '127.20.0.0/16',
  engine: 'builtin',
  batchSize: 50,
  batchesInFlight: 4,
  connectTimeoutMs: 1000,
  // Slow enough that batches are in flight when the kill lands.
  ratePerSecond: 1500,
};

let lab: LoopbackLab;
let reference: CampaignReport;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  lab = await startLoopbackLab(LAB);
  cleanups.push(() => lab.close());
  const { dataDir, remove } = temporaryDataDir();
  cleanups.push(remove);
  const serve = await startServeProcess(dataDir);
  cleanups.push(() => serve.stop());
  const { campaignId } = await submit(serve.ingress, 'reference');
  reference = await finish(serve.ingress, campaignId);
  await serve.stop();
  expect(reference.totals.targetsDone).toBe(2040);
}, 300_000);

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('a campaign of 2,040 targets survives SIGKILL', () => {
  it('of the process that runs the services endpoint', { timeout: 300_000 }, async () => {
    const { dataDir, remove } = temporaryDataDir();
    cleanups.push(remove);
    lab.resetLog();
    const first = await startServeProcess(dataDir);
    const { campaignId } = await submit(first.ingress, 'kill endpoint');
    await waitForProgressBetween(first.ingress, campaignId, 0.2, 0.7);
    const serverPid = first.serverPid();
    first.child.kill('SIGKILL');
    await first.child;
    // The server must not outlive its host: the parent-death signal takes it down.
    await waitFor('restate-server to die with its host', () => !isAlive(serverPid), 5_000);

    const second = await startServeProcess(dataDir);
    cleanups.push(() => second.stop());
    const restartedAt = Date.now();
    const before = (await progressOf(second.ingress, campaignId)).totals.targetsDone;
    await waitFor(
      'progress after restart',
      async () => (await progressOf(second.ingress, campaignId)).totals.targetsDone > before,
      30_000,
    );
    const recoverySeconds = (Date.now() - restartedAt) / 1000;
    expect(recoverySeconds).toBeLessThan(15);

    const report = await finish(second.ingress, campaignId);
    await expectSameResults(report, second.ingress, campaignId);
    process.stdout.write(
      `[crash test] endpoint killed: recovery started after ${recoverySeconds.toFixed(1)} s\n`,
    );
  });

  it('of restate-server, which the host restarts', { timeout: 300_000 }, async () => {
    const { dataDir, remove } = temporaryDataDir();
    cleanups.push(remove);
    lab.resetLog();
    const serve = await startServeProcess(dataDir);
    cleanups.push(() => serve.stop());
    const { campaignId } = await submit(serve.ingress, 'kill server');
    await waitForProgressBetween(serve.ingress, campaignId, 0.2, 0.7);
    const killedPid = serve.serverPid();
    process.kill(killedPid, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      'a new restate-server',
      () => serve.serverPid() !== killedPid && isAlive(serve.serverPid()),
      30_000,
    );
    const before = await waitFor(
      'ingress back',
      () => progressOf(serve.ingress, campaignId).catch(() => undefined),
      30_000,
    );
    await waitFor(
      'progress after restart',
      async () =>
        (await progressOf(serve.ingress, campaignId)).totals.targetsDone >
          before.totals.targetsDone || before.state === 'completed',
      30_000,
    );
    const recoverySeconds = (Date.now() - killedAt) / 1000;
    expect(recoverySeconds).toBeLessThan(15);

    const report = await finish(serve.ingress, campaignId);
    await expectSameResults(report, serve.ingress, campaignId);
    process.stdout.write(
      `[crash test] server killed: recovery started after ${recoverySeconds.toFixed(1)} s\n`,
    );
  });
});

async function submit(transport: IngressTransport, name: string) {
  return connectSpectra(transport)
    .campaigns()
    .submit({ ...CAMPAIGN, name }, callOptions({ idempotencyKey: `crash-${name}-${Date.now()}` }));
}

async function progressOf(transport: IngressTransport, campaignId: string) {
  const progress = await connectSpectra(transport).campaignWorkflow(campaignId).progress();
  if (!progress) throw new Error('no progress yet');
  return progress;
}

async function waitForProgressBetween(
  transport: IngressTransport,
  campaignId: string,
  low: number,
  high: number,
) {
  await waitFor(
    `campaign ${Math.round(low * 100)}% done`,
    async () => {
      const progress = await progressOf(transport, campaignId).catch(() => undefined);
      if (!progress) return false;
      const done = progress.totals.targetsDone / progress.totals.targets;
      if (done > high)
        throw new Error(`campaign ran too fast to interrupt (${Math.round(done * 100)}% done)`);
      return done >= low && progress.batches.some((batch) => batch.state === 'running');
    },
    120_000,
  );
}

async function finish(transport: IngressTransport, campaignId: string): Promise<CampaignReport> {
  const services = connectSpectra(transport);
  const progress = await services.campaignWorkflow(campaignId).workflowAttach();
  expect(progress.state).toBe('completed');
  const report = await services.campaignReport(campaignId);
  if (!report) throw new Error('no report');
  return report;
}

/** Results equal the uninterrupted run's; probes and threat counts show nothing was done more than it should. */
async function expectSameResults(
  report: CampaignReport,
  transport: IngressTransport,
  campaignId: string,
) {
  expect(report.complete).toBe(true);
  expect(comparable(report)).toEqual(comparable(reference));

  const timesScanned = [...lab.connectionCounts().byService.values()];
  expect(timesScanned.length).toBeGreaterThan(0);
  expect(Math.max(...timesScanned)).toBeLessThanOrEqual(2);

  const services = connectSpectra(transport);
  for (const threat of report.threats) {
    const record = await waitFor(`${threat.cve} recorded`, async () => {
      const current = await services.threatIntel(threat.cve).get();
      return current && current.totalSightings >= threat.affected.length ? current : undefined;
    });
    // A fresh data dir per run: every sighting in the record is this campaign's.
    expect(record.totalSightings).toBe(threat.affected.length);
    expect(
      record.affected.every(
        (service) => service.sightings === 1 && service.recentCampaigns[0] === campaignId,
      ),
    ).toBe(true);
  }
}

function comparable(report: CampaignReport) {
  return {
    totals: report.totals,
    hosts: report.hosts.map((host) => ({
      host: host.host,
      ports: host.ports.map((port) => ({
        port: port.port,
        product: port.product,
        version: port.version,
        cves: port.cves,
      })),
    })),
    threats: report.threats.map((threat) => ({ cve: threat.cve, affected: threat.affected })),
  };
}
