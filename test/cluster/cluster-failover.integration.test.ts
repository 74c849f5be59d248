import { writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignReport, CampaignRequest } from '../../src/shared/campaign.js';
import { callOptions, connectSpectra } from '../../src/clients/service-clients.js';
import { urlTransport } from '../../src/main/host/ingress-transport.js';
import { dataDirLayout } from '../../src/main/host/data-dir.js';
import { pickFreeLoopbackPort } from '../../src/main/host/loopback-ports.js';
import { startLocalCluster, type LocalCluster } from '../../src/main/cluster/local-cluster.js';
import { generateLab, startLoopbackLab, type LoopbackLab } from '../lab/loopback-lab.js';
import { runCampaign } from '../support/campaign-client.js';
import { startTemporaryAppHost, temporaryDataDir, waitFor } from '../support/temporary-host.js';
import { startRoundRobinBalancer, type RoundRobinBalancer } from './round-robin-balancer.js';
import { startSpectraProcess, type SpectraProcess } from './spectra-process.js';

/**
 * Beyond one machine, on loopback: a 3-node restate-server cluster, two
 * scanner workers behind one TCP round-robin address, and the host in
 * cluster mode serving the workflow and objects. A campaign of 2,040 targets
 * must finish while one restate node and one worker are SIGKILLed, with the
 * report of an uninterrupted single-machine run and every sighting counted
 * once. Every address involved is in 127.0.0.0/8.
 */
const LAB = generateLab({ base: '127.41.0.0', hostCount: 2040, openPortsPerHost: 2 });
const CAMPAIGN: CampaignRequest = {
  name: 'cluster failover',
  targets: '127.41.0.0/21',
  exclusions: '127.41.7.248/29',
  ports: '21,22,25,80,8080',
  scope: '127.41.0.0/16',
  engine: 'builtin',
  batchSize: 50,
  batchesInFlight: 4,
  connectTimeoutMs: 1000,
  // Slow enough (about 1.2 s of probing per batch) that probes are in flight when the kills land.
  ratePerSecond: 200,
};
const LAB_NETWORK = '127.41.0.0/16';

let lab: LoopbackLab;
let reference: CampaignReport;
let cluster: LocalCluster;
let balancer: RoundRobinBalancer;
let ingressUrl: string;
interface Worker {
  process: SpectraProcess;
  port: number;
}
const workers: Worker[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
let hostDataDir: string;

function workerFlags(port: number, extra: string[] = []): string[] {
  return [
    'worker',
    '--listen',
    `127.0.0.1:${port}`,
    '--identity-key',
    cluster.identityPublicKey,
    '--allow-networks',
    LAB_NETWORK,
    '--knowledge-dir',
    dataDirLayout(hostDataDir).knowledgeDir,
    ...extra,
  ];
}

beforeAll(async () => {
  // Another suite on this machine may still hold the addresses for a moment.
  lab = await startLoopbackLab(LAB, { waitForAddressMs: 30_000 });
  cleanups.push(() => lab.close());

  // The reference: the same campaign, uninterrupted, on one machine.
  const single = await startTemporaryAppHost();
  cleanups.push(() => single.dispose());
  reference = (await runCampaign(single.ingress, { ...CAMPAIGN, name: 'reference' })).report;
  await single.dispose();
  expect(reference.totals.targetsDone).toBe(2040);

  const clusterDir = temporaryDataDir('spectra-cluster-');
  cleanups.push(clusterDir.remove);
  cluster = await startLocalCluster({ dataDir: clusterDir.dataDir, addressPrefix: '127.31.0' });
  cleanups.push(() => cluster.stop());

  const hostDir = temporaryDataDir('spectra-cluster-host-');
  cleanups.push(hostDir.remove);
  hostDataDir = hostDir.dataDir;

  const ports = [await pickFreeLoopbackPort(), await pickFreeLoopbackPort()];
  balancer = await startRoundRobinBalancer(ports.map((port) => ({ host: '127.0.0.1', port })));
  cleanups.push(() => balancer.close());
  const poolUrl = `http://127.0.0.1:${balancer.port}/`;
  for (const port of ports) {
    const process = await startSpectraProcess(
      workerFlags(port, ['--register-with', cluster.nodes[0]!.adminUrl, '--advertise', poolUrl]),
    );
    workers.push({ process, port });
    cleanups.push(() => process.stop());
  }

  // The host in cluster mode, in its own process (as `spectra serve` runs it).
  const endpointPort = await pickFreeLoopbackPort();
  ingressUrl = cluster.nodes[0]!.ingressUrl;
  const host = await startSpectraProcess([
    'serve',
    '--no-ui',
    '--data-dir',
    hostDataDir,
    '--cluster-ingress',
    ingressUrl,
    '--cluster-admin',
    cluster.nodes[0]!.adminUrl,
    '--advertise',
    `http://127.0.0.1:${endpointPort}/`,
    '--listen',
    `127.0.0.1:${endpointPort}`,
    '--identity-key',
    cluster.identityPublicKey,
  ]);
  cleanups.push(() => host.stop());
}, 240_000);

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
}, 60_000);

describe('a campaign on a 3-node cluster with 2 workers', () => {
  it(
    'completes while one restate node and one worker are SIGKILLed',
    { timeout: 240_000 },
    async () => {
      lab.resetLog();
      const spectra = connectSpectra(urlTransport(ingressUrl));
      const { campaignId } = await spectra
        .campaigns()
        .submit({ ...CAMPAIGN }, callOptions({ idempotencyKey: `failover-${Date.now()}` }));
      const startedAt = Date.now();
      await waitFor(
        'campaign 20% done',
        async () => {
          const progress = await progressOf(campaignId).catch(() => undefined);
          if (!progress) return false;
          const done = progress.totals.targetsDone / progress.totals.targets;
          if (done > 0.7) throw new Error(`too fast to interrupt (${Math.round(done * 100)}%)`);
          return done >= 0.2 && progress.batches.some((batch) => batch.state === 'running');
        },
        120_000,
      );

      // Node 3 is not the one the host's client talks to; worker 2 is half the pool.
      const before = (await progressOf(campaignId)).totals.targetsDone;
      const batchesOnKilledWorker = scanBatchInvocations(workers[1]!.process.output());
      expect(batchesOnKilledWorker).toBeGreaterThan(0);
      cluster.kill(3);
      workers[1]!.process.child.kill('SIGKILL');
      const killedAt = Date.now();
      await waitFor(
        'progress after the kills',
        async () => (await progressOf(campaignId)).totals.targetsDone > before,
        60_000,
      );
      const recoverySeconds = (Date.now() - killedAt) / 1000;

      const progress = await spectra.campaignWorkflow(campaignId).workflowAttach();
      const totalSeconds = (Date.now() - startedAt) / 1000;
      expect(progress.state).toBe('completed');
      const report = await spectra.campaignReport(campaignId);
      if (!report) throw new Error('no report');
      expect(report.complete).toBe(true);
      expect(comparable(report)).toEqual(comparable(reference));

      // No sighting counted twice: the cluster is fresh, so every sighting is this campaign's.
      for (const threat of report.threats) {
        const record = await waitFor(`${threat.cve} recorded`, async () => {
          const current = await spectra.threatIntel(threat.cve).get();
          return current && current.totalSightings >= threat.affected.length ? current : undefined;
        });
        expect(record.totalSightings).toBe(threat.affected.length);
        expect(record.affected.every((service) => service.sightings === 1)).toBe(true);
      }

      // Re-probes: how often each lab service was connected to, per batch of 50 targets.
      const reprobes = reprobesPerBatch(lab, CAMPAIGN.batchSize!);
      const worstService = Math.max(...lab.connectionCounts().byService.values());
      expect(worstService).toBeLessThanOrEqual(3);
      const batchesWithReprobes = [...reprobes].filter(([, count]) => count > 0);
      process.stdout.write(
        [
          `[cluster] 2,040 targets in ${totalSeconds.toFixed(1)} s; node 3 and worker 2 SIGKILLed at ${Math.round((before / 2040) * 100)}%`,
          `[cluster] worker 2 had started ${batchesOnKilledWorker} batch invocations before it was killed`,
          `[cluster] progress resumed ${recoverySeconds.toFixed(1)} s after the kills`,
          `[cluster] services probed at most ${worstService} times; batches with re-probed services: ${batchesWithReprobes.length} of ${reprobes.size}`,
          ...batchesWithReprobes.map(
            ([batch, count]) => `[cluster]   batch ${batch}: ${count} services probed again`,
          ),
          `[cluster] balancer connections: ${[...balancer.connectionsByBackend()].map(([backend, count]) => `${backend}=${count}`).join(' ')}`,
          '',
        ].join('\n'),
      );
      // Bounded: a re-run batch re-probes at most its own services.
      for (const [, count] of reprobes)
        expect(count).toBeLessThanOrEqual(CAMPAIGN.batchSize! * 2 * 2);
    },
  );

  it('measures 1 worker against 2 workers on the same lab', { timeout: 180_000 }, async () => {
    // Bring the killed worker back on its port, then compare the pool sizes.
    const revived = await startSpectraProcess(workerFlags(workers[1]!.port));
    cleanups.push(() => revived.stop());
    const backends = workers.map((worker) => ({ host: '127.0.0.1', port: worker.port }));
    const bench: CampaignRequest = {
      name: 'bench',
      targets: '127.41.0.0/23',
      ports: '21,22,25,80,8080',
      scope: '127.41.0.0/16',
      engine: 'builtin',
      batchSize: 64,
      batchesInFlight: 8,
      connectTimeoutMs: 1000,
      approval: 'never',
    };
    const rates: number[] = [];
    for (const pool of [backends.slice(0, 1), backends]) {
      balancer.setBackends(pool, { dropConnections: true });
      const started = Date.now();
      const { report } = await runCampaign(urlTransport(ingressUrl), {
        ...bench,
        name: `bench ${pool.length}`,
      });
      const seconds = (Date.now() - started) / 1000;
      expect(report.totals.targetsDone).toBe(512);
      rates.push(512 / seconds);
    }
    process.stdout.write(
      `[cluster bench] 512 targets x 5 ports: 1 worker ${rates[0]!.toFixed(0)} targets/s, 2 workers ${rates[1]!.toFixed(0)} targets/s (x${(rates[1]! / rates[0]!).toFixed(2)}; 2 shared cores, so the gain is bounded)\n`,
    );
    expect(rates[1]).toBeGreaterThan(0);
  });
});

describe('sites and allow lists', () => {
  it(
    "sends a site's batches to the site's workers only, which refuse addresses outside their networks and match with the host's imported feeds",
    { timeout: 180_000 },
    async () => {
      // A feed imported on the host (the real CLI) lands in the knowledge dir the workers read.
      const feed = join(hostDataDir, 'feed-site-test.json');
      writeFileSync(feed, JSON.stringify(testFeed('CVE-2099-0001', '7.4')));
      const imported = await execa(
        'node',
        ['bin/spectra.mjs', 'feeds', 'import', feed, '--data-dir', hostDataDir],
        {
          preferLocal: true,
          reject: false,
        },
      );
      expect(imported.exitCode, imported.stderr).toBe(0);

      const port = await pickFreeLoopbackPort();
      const siteWorker = await startSpectraProcess([
        'worker',
        '--listen',
        `127.0.0.1:${port}`,
        '--identity-key',
        cluster.identityPublicKey,
        '--site',
        'dmz',
        '--allow-networks',
        '127.41.0.0/24',
        '--knowledge-dir',
        dataDirLayout(hostDataDir).knowledgeDir,
        '--register-with',
        cluster.nodes[0]!.adminUrl,
        '--advertise',
        `http://127.0.0.1:${port}/`,
      ]);
      cleanups.push(() => siteWorker.stop());

      // Unsigned calls never reach a handler: only the cluster's identity is accepted.
      expect(await unsignedCallStatus(port, '/invoke/Scanner_dmz/scanBatch')).toBe(401);

      const poolBefore = workers.map((worker) => scanBatchInvocations(worker.process.output()));
      const { progress, report } = await runCampaign(urlTransport(ingressUrl), {
        name: 'site dmz',
        targets: '127.41.0.0/23',
        ports: '21,22,80',
        scope: '127.41.0.0/16',
        engine: 'builtin',
        batchSize: 256,
        connectTimeoutMs: 1000,
        site: 'dmz',
      });
      expect(progress.batches.map((batch) => batch.state)).toEqual(['done', 'failed']);
      expect(progress.batches[1]!.error).toMatch(
        /site dmz\) refuses 127\.41\.1\.0: outside its allowed networks/,
      );
      expect(report.hosts.every((entry) => entry.host.startsWith('127.41.0.'))).toBe(true);
      expect(report.threats.map((threat) => threat.cve)).toContain('CVE-2099-0001');
      // The default pool saw none of it.
      expect(workers.map((worker) => scanBatchInvocations(worker.process.output()))).toEqual(
        poolBefore,
      );
      const siteBatches = new Set(
        [
          ...siteWorker.output().matchAll(/"invocationId":"([^"]+)"[^\n]*Scanner_dmz\/scanBatch/g),
        ].map((match) => match[1]),
      );
      expect(siteBatches.size).toBe(2);
      process.stdout.write(
        `[cluster sites] site dmz: batch 0 scanned by the site worker (${report.hosts.length} hosts up, CVE-2099-0001 from the imported feed), batch 1 refused: ${progress.batches[1]!.error}\n`,
      );
    },
  );
});

/** The HTTP/2 status a request without Restate's signature gets from an endpoint. */
async function unsignedCallStatus(port: number, path: string): Promise<number> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise<number>((resolve, reject) => {
      const request = session.request({
        ':method': 'POST',
        ':path': path,
        'content-type': 'application/vnd.restate.invocation.v1',
      });
      request.once('response', (headers) => resolve(Number(headers[':status'])));
      request.once('error', reject);
      request.end();
    });
  } finally {
    session.close();
  }
}

/** A one-CVE NVD CVE JSON 2.0 feed for OpenSSH up to `maxVersion`. */
function testFeed(cve: string, maxVersion: string) {
  return {
    resultsPerPage: 1,
    startIndex: 0,
    totalResults: 1,
    format: 'NVD_CVE',
    version: '2.0',
    timestamp: '2026-11-30T00:00:00.000',
    vulnerabilities: [
      {
        cve: {
          id: cve,
          published: '2026-11-30T00:00:00.000',
          lastModified: '2026-11-30T00:00:00.000',
          descriptions: [{ lang: 'en', value: 'Test entry known only to an imported feed.' }],
          metrics: {
            cvssMetricV31: [
              {
                source: 'nvd@nist.gov',
                type: 'Primary',
                cvssData: {
                  version: '3.1',
                  vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
                  baseScore: 9.8,
                  baseSeverity: 'CRITICAL',
                },
              },
            ],
          },
          configurations: [
            {
              nodes: [
                {
                  operator: 'OR',
                  negate: false,
                  cpeMatch: [
                    {
                      vulnerable: true,
                      criteria: 'cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*',
                      versionEndIncluding: maxVersion,
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
    ],
  };
}

/** Batch invocations a worker logged (the Scanner logs each batch it starts). */
function scanBatchInvocations(output: string): number {
  const ids = new Set<string>();
  for (const line of output.split('\n')) {
    if (!line.includes('Scanner/scanBatch')) continue;
    const id = /"invocationId":"([^"]+)"/.exec(line)?.[1];
    if (id) ids.add(id);
  }
  return ids.size;
}

async function progressOf(campaignId: string) {
  const progress = await connectSpectra(urlTransport(ingressUrl))
    .campaignWorkflow(campaignId)
    .progress();
  if (!progress) throw new Error('no progress yet');
  return progress;
}

/** Per batch (targets in address order), how many of its services were probed more than once. */
function reprobesPerBatch(lab: LoopbackLab, batchSize: number): Map<number, number> {
  const perBatch = new Map<number, number>();
  for (const [service, count] of lab.connectionCounts().byService) {
    const [a, b, c, d] = service.split(':')[0]!.split('.').map(Number);
    // 127.41.0.0 is target 0; batches cover consecutive addresses.
    const offset = ((a! * 256 + b!) * 256 + c!) * 256 + d! - (127 * 256 + 41) * 65_536;
    const batch = Math.floor(offset / batchSize);
    perBatch.set(batch, (perBatch.get(batch) ?? 0) + (count > 1 ? 1 : 0));
  }
  return perBatch;
}

function comparable(report: CampaignReport) {
  return {
    totals: report.totals,
    hosts: report.hosts.map((entry) => ({
      host: entry.host,
      ports: entry.ports.map((port) => ({
        port: port.port,
        product: port.product,
        version: port.version,
        cves: port.cves,
      })),
    })),
    threats: report.threats.map((threat) => ({ cve: threat.cve, affected: threat.affected })),
  };
}
