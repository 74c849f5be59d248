import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import type { Host } from '../../main/host/host-runtime.js';
import {
  MAX_THREAT_UPDATES,
  type AffectedService,
  type ThreatRecord,
  type ThreatUpdate,
} from '../../shared/threat.js';
import { runCampaign } from '../../../test/support/campaign-client.js';
import { readObjectState, writeObjectState } from '../../../test/support/object-state.js';
import {
  STANDARD_LAB,
  startLoopbackLab,
  type LabDefinition,
  type LoopbackLab,
} from '../../../test/lab/loopback-lab.js';
import { startTemporaryAppHost, waitFor } from '../../../test/support/temporary-host.js';

/**
 * A threat record is stored as a header, its affected services by network and
 * its update history in chunks (threat-record-store.ts). Records written
 * before either split (services or updates inside the header) are read as
 * they are and converted by the next write, keeping what readers see. A
 * network too large for one entry is stored per host, a host too large per
 * port block, and read whole all the same.
 */
const CVE = 'CVE-2011-2523';
const LAB_HOST = '127.66.0.11'; // vsftpd 2.3.4 on port 21: the standard lab's, in this suite's range
const LAB_NETWORK = '127.66.0';
const OLD_HOST = '127.66.99.1'; // only in the record written "by an earlier version"
const OLD_NETWORK = '127.66.99';
const NEIGHBOUR = '127.66.0.200'; // LAB_HOST's /24, never scanned: only in the written record

const VSFTPD_LAB: LabDefinition = {
  name: 'vsftpd',
  services: STANDARD_LAB.services
    .filter(({ expected }) => expected.product === 'vsftpd' && expected.version === '2.3.4')
    .map((service) => ({ ...service, host: LAB_HOST })),
};

let lab: LoopbackLab;
let host: Host & { dispose: () => Promise<void> };
let services: SpectraClients;

beforeAll(async () => {
  lab = await startLoopbackLab(VSFTPD_LAB, { waitForAddressMs: 10_000 });
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

const writeRecordState = (state: Record<string, unknown>) =>
  writeObjectState(host, 'ThreatIntel', CVE, state);
const stateOf = () => readObjectState(host, 'ThreatIntel', CVE);
const stateKeys = async () => (await stateOf()).map((entry) => entry.key);

/**
 * nmap -sV XML of vsftpd 2.3.4 on `ports` of each host: imported, it is a
 * campaign whose findings reach ThreatIntel like a scan's, without probing.
 */
function vsftpdScanXml(
  hosts: ReadonlyArray<{ address: string; ports: readonly number[] }>,
): string {
  const port = (portId: number) =>
    `<port protocol="tcp" portid="${portId}"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ftp" product="vsftpd" version="2.3.4" method="probed" conf="10"><cpe>cpe:/a:vsftpd:vsftpd:2.3.4</cpe></service></port>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<nmaprun scanner="nmap" args="nmap -sT -sV" start="1796073390" version="7.93" xmloutputversion="1.05">',
    ...hosts.map(
      (host) =>
        `<host starttime="1796073390" endtime="1796073396"><status state="up" reason="user-set" reason_ttl="0"/><address addr="${host.address}" addrtype="ipv4"/><ports>${host.ports.map(port).join('')}</ports></host>`,
    ),
    `<runstats><finished time="1796073400" elapsed="10" exit="success"/><hosts up="${hosts.length}" down="0" total="${hosts.length}"/></runstats>`,
    '</nmaprun>',
  ].join('\n');
}

const threatsRow = async () =>
  (await services.threatIndex().list({ text: CVE })).find((row) => row.cve === CVE);

const scanLabHost = () =>
  runCampaign(host.ingress, {
    name: 'vsftpd',
    targets: LAB_HOST,
    ports: '21',
    scope: `${LAB_NETWORK}.0/24`,
    engine: 'builtin',
    connectTimeoutMs: 500,
  });

describe('threat records stored as a header, services by network and update chunks', () => {
  it('reads a record written before the split, then splits it when a batch sees the CVE', async () => {
    await writeRecordState({ record: unsplitRecord, revision: 1 });
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
    expect(await stateKeys()).toEqual([
      `hosts:${LAB_NETWORK}`,
      `hosts:${OLD_NETWORK}`,
      'record',
      'updates:0',
    ]);
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
  it('reads a record whose updates are inside the header, then moves them into chunks', async () => {
    const second = (index: number) => new Date(Date.UTC(2026, 9, 1, 0, 0, index)).toISOString();
    const oldUpdates: ThreatUpdate[] = Array.from({ length: MAX_THREAT_UPDATES }, (_, index) => ({
      campaignId: `c-old-${index}`,
      host: OLD_HOST,
      port: 21,
      product: 'vsftpd:vsftpd',
      version: '2.3.4',
      engine: 'builtin',
      observedAt: second(index),
    }));
    const oldArchive = {
      count: 7,
      oldestAt: '2026-09-01T00:00:00.000Z',
      newestAt: '2026-09-30T00:00:00.000Z',
    };
    const oldService = { ...unsplitRecord.affected[0]!, sightings: 1_007 };
    // As the version with services by network but updates inline stored it.
    const header = {
      ...unsplitRecord,
      affected: [],
      affectedCounts: { hosts: 1, services: 1 },
      updates: oldUpdates,
      archivedUpdates: oldArchive,
      totalSightings: 1_007,
    };
    await writeRecordState({ record: header, revision: 5, [`hosts:${OLD_NETWORK}`]: [oldService] });
    await waitFor('the written state', async () => (await stateKeys()).length === 3);
    expect(await stateKeys()).toEqual([`hosts:${OLD_NETWORK}`, 'record', 'revision']);
    const stored = await services.threatIntel(CVE).get();
    const { affectedCounts: _counts, ...expected } = { ...header, affected: [oldService] };
    expect(stored).toEqual(expected);

    // A header-only change (a note) moves the history out of the header; readers see the same.
    const noted = await services.threatIntel(CVE).triage({ state: 'confirmed', note: 'checked' });
    expect(noted).toEqual({ ...expected, notes: [expect.objectContaining({ text: 'checked' })] });
    expect(await services.threatIntel(CVE).get()).toEqual(noted);
    // The write count moves into the header too, continuing from the old entry's.
    expect(await stateKeys()).toEqual([`hosts:${OLD_NETWORK}`, 'record', 'updates:0']);
    expect(await threatsRow()).toMatchObject({ revision: 6, triageState: 'confirmed' });
    const headerEntry = (await stateOf()).find((entry) => entry.key === 'record')!;
    expect(headerEntry.bytes).toBeLessThan(5_000);
    expect(headerEntry.value).toMatchObject({ updates: [], archivedUpdates: oldArchive });

    // A batch appends its update as a chunk; readers get the last 1000, the oldest archived.
    const first = await scanLabHost();
    expect(first.progress.state).toBe('completed');
    const afterFirst = await services.threatIntel(CVE).get();
    expect(afterFirst?.updates).toHaveLength(MAX_THREAT_UPDATES);
    expect(afterFirst?.updates.slice(0, -1)).toEqual(oldUpdates.slice(1));
    expect(afterFirst?.updates.at(-1)).toMatchObject({
      campaignId: first.campaignId,
      host: LAB_HOST,
      port: 21,
    });
    expect(afterFirst?.archivedUpdates).toEqual({ ...oldArchive, count: 8, newestAt: second(0) });
    expect(afterFirst?.totalSightings).toBe(1_008);
    expect(await stateKeys()).toEqual([
      `hosts:${LAB_NETWORK}`,
      `hosts:${OLD_NETWORK}`,
      'record',
      'updates:0',
      'updates:1',
    ]);
    expect(await threatsRow()).toMatchObject({
      revision: 7,
      affectedHosts: 2,
      affectedServices: 2,
    });

    // The next batch extends the small newest chunk.
    const next = await scanLabHost();
    expect(next.progress.state).toBe('completed');
    const afterNext = await services.threatIntel(CVE).get();
    expect(afterNext?.updates.slice(0, -2)).toEqual(oldUpdates.slice(2));
    expect(afterNext?.updates.slice(-2).map((update) => update.campaignId)).toEqual([
      first.campaignId,
      next.campaignId,
    ]);
    expect(afterNext?.archivedUpdates).toEqual({ ...oldArchive, count: 9, newestAt: second(1) });
    expect(await stateKeys()).toContain('updates:1');
    expect(await stateKeys()).not.toContain('updates:2');
    expect(afterNext?.notes).toEqual(noted.notes);
    expect(afterNext?.triage).toEqual(noted.triage);
  }, 120_000);

  it('reads and extends a network stored per host and a host stored per port block', async () => {
    // As a batch leaves a record whose network outgrew one entry (see
    // threat-record-store.test.ts): LAB_HOST per port block, its neighbour per host.
    const service = (host: string, port: number): AffectedService => ({
      ...unsplitRecord.affected[0]!,
      host,
      port,
    });
    const header = {
      ...unsplitRecord,
      affected: [],
      affectedCounts: { hosts: 2, services: 3 },
      totalSightings: 3,
      layout: { perHostNetworks: [LAB_NETWORK], perBlockHosts: [LAB_HOST] },
      // Above the revisions the other tests left in the threats table, so its row is taken.
      revision: 100,
    };
    const neighbour = [service(NEIGHBOUR, 21), service(NEIGHBOUR, 8021)];
    await writeRecordState({
      record: header,
      [`ports:${LAB_HOST}/2048`]: [service(LAB_HOST, 2121)],
      [`host:${NEIGHBOUR}`]: neighbour,
    });
    await waitFor('the written state', async () => (await stateKeys()).length === 3);
    const { affectedCounts: _counts, revision: _revision, layout: _layout, ...expected } = header;
    expect(await services.threatIntel(CVE).get()).toEqual({
      ...expected,
      affected: [service(LAB_HOST, 2121), ...neighbour],
    });

    // LAB_HOST:21 goes into its block of ports 0-1023; LAB_HOST is not counted again.
    const first = await scanLabHost();
    expect(first.progress.state).toBe('completed');
    expect(await stateKeys()).toEqual([
      `host:${NEIGHBOUR}`,
      `ports:${LAB_HOST}/0`,
      `ports:${LAB_HOST}/2048`,
      'record',
      'updates:0',
    ]);
    const record = await services.threatIntel(CVE).get();
    expect(record?.affected.map((each) => `${each.host}:${each.port}`)).toEqual([
      `${LAB_HOST}:21`,
      `${LAB_HOST}:2121`,
      `${NEIGHBOUR}:21`,
      `${NEIGHBOUR}:8021`,
    ]);
    expect(record?.affected.slice(1)).toEqual([service(LAB_HOST, 2121), ...neighbour]);
    expect(await threatsRow()).toMatchObject({ affectedHosts: 2, affectedServices: 4 });

    // The next batch finds LAB_HOST:21 in its block; a triage keeps the layout.
    const second = await scanLabHost();
    expect(second.progress.state).toBe('completed');
    await services.threatIntel(CVE).triage({ state: 'false-positive', note: 'honeypot' });
    const again = await services.threatIntel(CVE).get();
    expect(again?.affected[0]).toMatchObject({ host: LAB_HOST, port: 21, sightings: 2 });
    expect(again?.totalSightings).toBe(5);
    expect(await threatsRow()).toMatchObject({
      affectedHosts: 2,
      affectedServices: 4,
      triageState: 'false-positive',
    });
    const headerEntry = (await stateOf()).find((entry) => entry.key === 'record');
    expect(headerEntry?.value).toMatchObject({ layout: header.layout });
    expect(await stateKeys()).not.toContain(`hosts:${LAB_NETWORK}`);
  }, 120_000);

  it('keeps a 42,000-service honeypot packed in its network entry, and reads it whole', async () => {
    await writeRecordState({});
    await waitFor('the cleared state', async () => (await stateKeys()).length === 0);
    // A honeypot answering with the vulnerable banner on 42,000 ports beside two
    // ordinary hosts of its /24: one batch of one import. As objects its
    // services took ~9 MB and passed the entry limit; packed, a fraction.
    const honeypot = '127.66.1.10';
    const honeypotPorts = Array.from({ length: 42_000 }, (_, index) => index + 1);
    const imported = await services.imports().nmapXml({
      xml: vsftpdScanXml([
        { address: '127.66.1.1', ports: [21] },
        { address: '127.66.1.2', ports: [21, 2121] },
        { address: honeypot, ports: honeypotPorts },
      ]),
    });
    expect(imported.alreadyImported).toBe(false);
    expect(await stateKeys()).toEqual(['hosts:127.66.1', 'record', 'updates:0']);
    const entries = await stateOf();
    const network = entries.find((entry) => entry.key === 'hosts:127.66.1')!;
    expect(network.value).toMatchObject({ packed: 'records' });
    // About 25 bytes a service.
    expect(network.bytes).toBeLessThan(42_003 * 40);
    const stored = entries.find((entry) => entry.key === 'record')?.value;
    expect(stored).toMatchObject({ affectedCounts: { hosts: 3, services: 42_003 } });
    expect((stored as { layout?: unknown }).layout).toBeUndefined();
    const record = await services.threatIntel(CVE).get();
    expect(record?.affected.map((each) => `${each.host}:${each.port}`)).toEqual([
      '127.66.1.1:21',
      '127.66.1.2:21',
      '127.66.1.2:2121',
      ...honeypotPorts.map((port) => `${honeypot}:${port}`),
    ]);

    // Another import: a known service, one in a block not stored yet, a new host.
    await services.imports().nmapXml({
      xml: vsftpdScanXml([
        { address: '127.66.1.2', ports: [21] },
        { address: honeypot, ports: [21, 50_000] },
        { address: '127.66.1.3', ports: [21] },
      ]),
    });
    const header = (await stateOf()).find((entry) => entry.key === 'record')?.value;
    expect(header).toMatchObject({ affectedCounts: { hosts: 4, services: 42_005 } });
    // Still one network entry: nothing was split by host or port block.
    expect((await stateKeys()).filter((key) => /^(hosts?|ports):/.test(key))).toEqual([
      'hosts:127.66.1',
    ]);
    const again = await services.threatIntel(CVE).get();
    expect(again?.affected).toHaveLength(42_005);
    expect(
      again?.affected.find((each) => each.host === honeypot && each.port === 21)?.sightings,
    ).toBe(2);
    expect(again?.totalSightings).toBe(42_007);
  }, 180_000);
});
