import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import type { Host } from '../../main/host/host-runtime.js';
import { startTemporaryAppHost, waitFor } from '../../../test/support/temporary-host.js';
import { runCampaign } from '../../../test/support/campaign-client.js';
import { serveConnection } from '../../../test/lab/lab-services.js';
import { importFeedFile } from '../vulnerabilities/knowledge-base.js';

/**
 * A campaign scans libssh 0.8.1 (not among the 22 display ids) while the
 * knowledge has no rule for it; a feed imported afterwards and a re-match
 * light it up without probing again, once; a KEV import and a second
 * re-match refresh the record without counting the sighting twice.
 */
const fixtures = join(import.meta.dirname, '../vulnerabilities/fixtures');
const LIBSSH_CVE = 'CVE-2018-10933';
let server: Server;
let connections = 0;
let host: Host & { dispose: () => Promise<void> };
let services: SpectraClients;
let campaignId: string;

beforeAll(async () => {
  server = createServer((socket) => {
    connections += 1;
    serveConnection(socket, { protocol: 'ssh', banner: 'SSH-2.0-libssh_0.8.1' });
  });
  await new Promise<void>((resolve) => server.listen(22, '127.71.0.10', resolve));
  host = await startTemporaryAppHost();
  services = connectSpectra(host.ingress);
  const run = await runCampaign(host.ingress, {
    name: 'rematch lab',
    targets: '127.71.0.10',
    ports: '22',
    scope: '127.71.0.0/24',
    engine: 'builtin',
    connectTimeoutMs: 500,
  });
  expect(run.progress.state).toBe('completed');
  campaignId = run.campaignId;
}, 120_000);

afterAll(async () => {
  await host?.dispose();
  await new Promise((resolve) => server.close(resolve));
});

const threat = () => services.threatIntel(LIBSSH_CVE);
const rematch = (request: { campaignId?: string }) => services.rematch().run(request);

describe('spectra rematch', () => {
  it('finds CVEs of a newly imported feed on a past campaign without probing again', async () => {
    expect(await threat().get()).toBeNull();
    await importFeedFile(join(fixtures, 'nvd-feed-lab.json'), host.layout.knowledgeDir);
    const probesBefore = connections;
    const result = await rematch({ campaignId });
    expect(result).toMatchObject({ campaigns: 1, services: 1, findings: 1, cves: [LIBSSH_CVE] });
    const record = await waitFor('the libssh threat record', () => threat().get());
    expect(record.affected).toMatchObject([
      { host: '127.71.0.10', port: 22, product: 'libssh:libssh', version: '0.8.1', sightings: 1 },
    ]);
    expect(connections).toBe(probesBefore);
  });

  it('stays idempotent and refreshes KEV and EPSS after their import', async () => {
    await importFeedFile(join(fixtures, 'epss-scores.csv'), host.layout.knowledgeDir);
    const result = await rematch({});
    expect(result.cves).toContain(LIBSSH_CVE);
    const record = await waitFor('EPSS on the libssh threat', async () => {
      const current = await threat().get();
      return current?.epss ? current : undefined;
    });
    expect(record.epss).toMatchObject({ score: 0.94012, percentile: 0.99901 });
    expect(record.totalSightings).toBe(1);
    expect(record.affected[0]!.sightings).toBe(1);
  });

  it('spectra rematch, and spectra threats --kev --min-epss, from the command line', async () => {
    const spectra = (...args: string[]) =>
      execa('node', ['bin/spectra.mjs', ...args, '--data-dir', host.dataDir], {
        preferLocal: true,
        reject: false,
      });
    await importFeedFile(join(fixtures, 'kev-catalog.json'), host.layout.knowledgeDir);
    const rematched = await spectra('rematch', campaignId);
    expect(rematched.exitCode).toBe(0);
    expect(rematched.stdout.trim()).toBe(
      `re-matched 1 services of 1 campaign(s): 1 findings, 1 CVEs (${LIBSSH_CVE})`,
    );
    const likely = await spectra('threats', '--min-epss', '0.5', '--json');
    expect(JSON.parse(likely.stdout).map((row: { cve: string }) => row.cve)).toEqual([LIBSSH_CVE]);
    // libssh's CVE is not in the fixture KEV catalog.
    const exploited = await spectra('threats', '--kev');
    expect(exploited.stdout.trim()).toBe('No threat records match.');
    const detail = await spectra('threat', LIBSSH_CVE);
    expect(detail.stdout).toContain(
      'EPSS: 0.94012 (percentile 0.99901, scored 2025-11-03T12:55:00Z)',
    );
    const bad = await spectra('threats', '--min-epss', '2');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'spectra: --min-epss "2": expected a probability from 0 to 1, e.g. 0.5',
    );
  });

  it('refuses an unknown campaign id', async () => {
    await expect(rematch({ campaignId: 'no-such-campaign' })).rejects.toThrow(/no campaign/);
  });
});
