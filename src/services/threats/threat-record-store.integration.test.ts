import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import type { Host } from '../../main/host/host-runtime.js';
import { unixSocketTransport } from '../../main/host/ingress-transport.js';
import type { ThreatRecord } from '../../shared/threat.js';
import { runCampaign } from '../../../test/support/campaign-client.js';
import {
  STANDARD_LAB,
  startLoopbackLab,
  type LoopbackLab,
} from '../../../test/lab/loopback-lab.js';
import { startTemporaryAppHost, waitFor } from '../../../test/support/temporary-host.js';

/**
 * A threat record is stored as a header plus one state entry per affected
 * host (threat-record-store.ts). A record written before that split (all
 * services inside one value) is read as it is and split by the next batch
 * that sees the CVE, keeping its services and counts.
 */
const CVE = 'CVE-2011-2523';
const LAB_HOST = '127.10.0.11'; // vsftpd 2.3.4 on port 21 in the standard lab
const OLD_HOST = '127.99.0.1'; // only in the record written "by an earlier version"

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

/** The record as the version before the split stored it: every affected service inside. */
const unsplitRecord: ThreatRecord = {
  cve: CVE,
  severity: 'critical',
  cvssScore: 9.8,
  cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  summary: 'vsftpd 2.3.4 backdoor',
  product: 'vsftpd:vsftpd',
  firstSeen: '2026-11-01T10:00:00.000Z',
  lastSeen: '2026-11-01T10:00:00.000Z',
  affected: [
    {
      host: OLD_HOST,
      port: 21,
      product: 'vsftpd:vsftpd',
      version: '2.3.4',
      firstSeen: '2026-11-01T10:00:00.000Z',
      lastSeen: '2026-11-01T10:00:00.000Z',
      sightings: 1,
      recentCampaigns: ['c-before-the-split'],
    },
  ],
  triage: { state: 'confirmed', changedAt: '2026-11-01T11:00:00.000Z', history: [] },
  notes: [],
  updates: [],
  archivedUpdates: { count: 0 },
  totalSightings: 1,
};

/** Replaces the object's state through restate-server's admin API (values are JSON bytes). */
async function writeObjectState(state: Record<string, unknown>): Promise<void> {
  const admin = unixSocketTransport(host.layout.adminSocket);
  const bytes = (value: unknown) => [...Buffer.from(JSON.stringify(value))];
  const response = await admin.fetch(new URL('/services/ThreatIntel/state', admin.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      object_key: CVE,
      new_state: Object.fromEntries(
        Object.entries(state).map(([key, value]) => [key, bytes(value)]),
      ),
    }),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

async function stateKeys(): Promise<string[]> {
  const rows = await host.admin.query<{ key: string }>(
    `SELECT key FROM state WHERE service_name = 'ThreatIntel' AND service_key = '${CVE}' ORDER BY key`,
  );
  return rows.map((row) => row.key);
}

const threatsRow = async () =>
  (await services.threatIndex().list({ text: CVE })).find((row) => row.cve === CVE);

const scanLabHost = () =>
  runCampaign(host.ingress, {
    name: 'vsftpd',
    targets: LAB_HOST,
    ports: '21',
    scope: '127.10.0.0/24',
    engine: 'builtin',
    connectTimeoutMs: 500,
  });

describe('threat records stored per affected host', () => {
  it('reads a record written before the split, then splits it when a batch sees the CVE', async () => {
    await writeObjectState({ record: unsplitRecord, revision: 1 });
    await waitFor('the written state', async () => (await stateKeys()).includes('record'));
    expect(await services.threatIntel(CVE).get()).toEqual(unsplitRecord);

    const first = await scanLabHost();
    expect(first.progress.state).toBe('completed');
    const record = await services.threatIntel(CVE).get();
    // Both services, in address order; the analyst's triage kept; one new sighting.
    expect(record?.affected.map((service) => `${service.host}:${service.port}`)).toEqual([
      `${LAB_HOST}:21`,
      `${OLD_HOST}:21`,
    ]);
    expect(record?.triage.state).toBe('confirmed');
    expect(record?.totalSightings).toBe(2);
    // The services by network (/24), beside the header.
    expect(await stateKeys()).toEqual(['hosts:127.10.0', 'hosts:127.99.0', 'record', 'revision']);
    expect(await threatsRow()).toMatchObject({ affectedHosts: 2, affectedServices: 2 });

    // A second campaign counts a sighting on a known service: counts stay, sightings grow.
    const second = await scanLabHost();
    expect(second.progress.state).toBe('completed');
    const again = await services.threatIntel(CVE).get();
    expect(again?.affected).toHaveLength(2);
    expect(again?.affected[0]).toMatchObject({ host: LAB_HOST, sightings: 2 });
    expect(again?.totalSightings).toBe(3);
    expect(await threatsRow()).toMatchObject({ affectedHosts: 2, affectedServices: 2 });

    // Triage rewrites the header only; the services stay where they are.
    const triaged = await services
      .threatIntel(CVE)
      .triage({ state: 'false-positive', note: 'lab decoy', actor: 'alice' });
    expect(triaged.affected).toHaveLength(2);
    expect((await services.threatIntel(CVE).get())?.affected).toEqual(again?.affected);
    expect(await threatsRow()).toMatchObject({
      affectedHosts: 2,
      affectedServices: 2,
      triageState: 'false-positive',
    });
  }, 120_000);
});
