import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import type { Host } from '../../main/host/host-runtime.js';
import type { HostRecord } from '../../shared/host-inventory.js';
import { unpackHosts, type PackedHosts } from '../../shared/packed-hosts.js';
import { INDEX_KEY, SERVICE_NAMES } from '../../shared/service-contracts.js';
import { runCampaign } from '../../../test/support/campaign-client.js';
import { readObjectState, writeObjectState } from '../../../test/support/object-state.js';
import {
  STANDARD_LAB,
  startLoopbackLab,
  type LoopbackLab,
} from '../../../test/lab/loopback-lab.js';
import { startTemporaryAppHost, waitFor } from '../../../test/support/temporary-host.js';

/**
 * The host inventory is stored by network (host-inventory-store.ts). An
 * inventory written the earlier way (one `host:ADDRESS` entry per host) is
 * read as it is; a batch that sees a host of one of its networks moves that
 * network into one entry, and every reader gives the same hosts throughout.
 */
const LAB_HOST = '127.10.0.11'; // vsftpd 2.3.4 on port 21 in the standard lab
const NEIGHBOUR = '127.10.0.200'; // same /24, not scanned: moved along with LAB_HOST
const FAR_HOST = '127.99.0.1'; // another network: stays in its old entry
const CVE = 'CVE-2011-2523';
const OLD_AT = '2026-11-01T10:00:00.000Z';

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

const oldHost = (address: string, port: number, extra: Partial<HostRecord> = {}): HostRecord => ({
  address,
  hostnames: [],
  ports: [{ port, service: 'ftp', cves: [], firstSeen: OLD_AT, lastSeen: OLD_AT }],
  firstSeen: OLD_AT,
  lastSeen: OLD_AT,
  campaigns: [{ campaignId: 'c-before-networks', lastSeen: OLD_AT }],
  ...extra,
});

const oldInventory: HostRecord[] = [
  oldHost(LAB_HOST, 2121, {
    cveTriage: { 'CVE-2000-0001': { state: 'false-positive', note: 'old', at: OLD_AT } },
  }),
  oldHost(NEIGHBOUR, 21),
  oldHost(FAR_HOST, 21, { hostnames: ['far.lab'] }),
];

const inventory = () => services.hostInventory();
const hostsOf = () => services.hosts();
const stateKeys = async () =>
  (await readObjectState(host, SERVICE_NAMES.hostInventory, INDEX_KEY)).map((entry) => entry.key);
const stateValue = async (key: string) =>
  (await readObjectState(host, SERVICE_NAMES.hostInventory, INDEX_KEY)).find(
    (entry) => entry.key === key,
  )?.value;

const scanLabHost = () =>
  runCampaign(host.ingress, {
    name: 'vsftpd',
    targets: LAB_HOST,
    ports: '21',
    scope: '127.10.0.0/24',
    engine: 'builtin',
    connectTimeoutMs: 500,
  });

describe('host inventory stored by network', () => {
  it('reads an inventory of one entry per host, then moves the networks batches see', async () => {
    await writeObjectState(
      host,
      SERVICE_NAMES.hostInventory,
      INDEX_KEY,
      Object.fromEntries(oldInventory.map((record) => [`host:${record.address}`, record])),
    );
    await waitFor('the written state', async () => (await stateKeys()).length === 3);
    expect(await hostsOf()).toEqual(oldInventory);
    expect(await inventory().get(NEIGHBOUR)).toEqual(oldInventory[1]);
    expect(await inventory().get('127.10.0.12')).toBeNull();

    const first = await scanLabHost();
    expect(first.progress.state).toBe('completed');
    // The scanned network in one entry; the other network's host still in its own.
    expect(await stateKeys()).toEqual([`host:${FAR_HOST}`, 'layout', 'network:127.10.0']);
    expect(await stateValue('layout')).toEqual({ legacyNetworks: ['127.99.0'] });
    const stored = (await stateValue('network:127.10.0')) as PackedHosts;
    expect(stored.packed).toBe('hosts');
    expect(unpackHosts(stored).map((record) => record.address)).toEqual([LAB_HOST, NEIGHBOUR]);

    const scanned = await inventory().get(LAB_HOST);
    // The new port with its CVE, the old port kept, both campaigns (newest first), triage kept.
    expect(scanned?.ports.map((port) => port.port)).toEqual([21, 2121]);
    expect(scanned?.ports[0]?.cves.map((cve) => cve.cve)).toContain(CVE);
    expect(scanned?.campaigns.map((campaign) => campaign.campaignId)).toEqual([
      first.campaignId,
      'c-before-networks',
    ]);
    expect(scanned?.firstSeen).toBe(OLD_AT);
    expect(scanned?.cveTriage).toEqual(oldInventory[0]!.cveTriage);
    // Moved unchanged; the far host read from its old entry.
    expect(await inventory().get(NEIGHBOUR)).toEqual(oldInventory[1]);
    expect(await inventory().get(FAR_HOST)).toEqual(oldInventory[2]);
    expect(await hostsOf()).toEqual([scanned, oldInventory[1], oldInventory[2]]);

    // A second campaign reads and writes the network entry only.
    const second = await scanLabHost();
    expect(second.progress.state).toBe('completed');
    expect(await stateKeys()).toEqual([`host:${FAR_HOST}`, 'layout', 'network:127.10.0']);
    const again = await inventory().get(LAB_HOST);
    expect(again?.campaigns.map((campaign) => campaign.campaignId)).toEqual([
      second.campaignId,
      first.campaignId,
      'c-before-networks',
    ]);
    expect(again?.ports.map((port) => port.port)).toEqual([21, 2121]);

    // Per-host triage wherever the host is stored.
    const triaged = await inventory().triage({
      address: LAB_HOST,
      cve: CVE,
      state: 'false-positive',
      note: 'decoy',
    });
    expect(triaged.cveTriage?.[CVE]).toMatchObject({ state: 'false-positive', note: 'decoy' });
    expect(await inventory().get(LAB_HOST)).toEqual(triaged);
    expect(await inventory().get(NEIGHBOUR)).toEqual(oldInventory[1]);
    await expect(
      inventory().triage({ address: FAR_HOST, cve: CVE, state: 'confirmed' }),
    ).rejects.toThrow(/was not found on 127\.99\.0\.1/);
    await expect(
      inventory().triage({ address: '127.10.0.13', cve: CVE, state: 'confirmed' }),
    ).rejects.toThrow(/no campaign has seen 127\.10\.0\.13/);
    expect(await hostsOf()).toEqual([triaged, oldInventory[1], oldInventory[2]]);
  }, 120_000);
});
