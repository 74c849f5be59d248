import { describe, expect, it } from 'vitest';
import type * as restate from '@restatedev/restate-sdk';
import { readAllHostPages, type HostSightings } from '../../shared/host-inventory.js';
import { inMemoryObject } from '../../../test/support/in-memory-object.js';
import { readHost, readHostPage, recordHostSightings } from './host-inventory-store.js';
import { unpackHosts, type PackedHosts } from '../../shared/packed-hosts.js';

/** Every host, page by page, as a reader of HostInventory's `list` gets them. */
const readAllHosts = (context: restate.ObjectContext) =>
  readAllHostPages((after) => readHostPage(context, after));

/**
 * One batch's sightings: `hosts` hosts of 127.80.0.0/24, `ports` open ports
 * each, with a banner of `bannerBytes` of its own when given.
 */
function batch(
  campaignId: string,
  hosts: number,
  ports: number,
  network = 0,
  bannerBytes = 0,
): HostSightings {
  return {
    campaignId,
    // Campaign c-N at 06:0N.
    at: `2026-12-01T06:0${campaignId.slice(2)}:00.000Z`,
    hosts: Array.from({ length: hosts }, (_, host) => ({
      address: `127.80.${network}.${host + 1}`,
      ports: Array.from({ length: ports }, (_, port) => ({
        port: 1000 + port,
        service: 'unknown',
        ...(bannerBytes > 0 && {
          banner: `${network}.${host}:${port} `.padEnd(bannerBytes, 'x'),
        }),
        cves: [],
      })),
    })),
  };
}

describe('recordHostSightings', () => {
  it('keeps a network in one entry', async () => {
    const { state, context } = inMemoryObject();
    await recordHostSightings(context, batch('c-1', 3, 2));
    expect([...state.keys()].sort()).toEqual(['layout', 'network:127.80.0']);
    expect(await readHost(context, '127.80.0.2')).toMatchObject({ address: '127.80.0.2' });
  });

  it('stores a network packed, and packs one written before packing when a batch sees it', async () => {
    const { state, context } = inMemoryObject();
    await recordHostSightings(context, batch('c-1', 3, 2));
    const plain = unpackHosts(state.get('network:127.80.0') as PackedHosts);
    expect(state.get('network:127.80.0')).toMatchObject({ packed: 'hosts' });

    // The same network as an inventory before packing stored it: read as it is.
    state.set('network:127.80.0', plain);
    expect(await readHost(context, '127.80.0.3')).toEqual(plain[2]);
    expect(await readAllHosts(context)).toEqual(plain);

    await recordHostSightings(context, batch('c-2', 2, 2));
    expect(state.get('network:127.80.0')).toMatchObject({ packed: 'hosts' });
    const after = await readAllHosts(context);
    expect(after.map((host) => host.campaigns.length)).toEqual([2, 2, 1]);
    expect(after[2]).toEqual(plain[2]);
  });

  it('stores a network too large for one entry one entry per host, and reads it the same', async () => {
    const { state, context } = inMemoryObject();
    const limit = 64 * 1024;
    await recordHostSightings(context, batch('c-1', 4, 20), limit);
    expect(state.has('network:127.80.0')).toBe(true);
    const before = await readAllHosts(context);

    // A tarpit answering on every port: the network's entry would pass the limit.
    await recordHostSightings(context, batch('c-2', 40, 100), limit);
    const keys = [...state.keys()].sort();
    expect(keys).not.toContain('network:127.80.0');
    expect(keys.filter((key) => key.startsWith('host:'))).toHaveLength(40);
    expect(state.get('layout')).toEqual({ legacyNetworks: ['127.80.0'] });
    for (const value of state.values())
      expect(Buffer.byteLength(JSON.stringify(value))).toBeLessThanOrEqual(limit);

    const after = await readAllHosts(context);
    expect(after).toHaveLength(40);
    // The hosts seen before kept their history: both campaigns, their first ports.
    const first = after.find((host) => host.address === before[0]!.address)!;
    expect(first.campaigns.map((campaign) => campaign.campaignId)).toEqual(['c-2', 'c-1']);
    expect(first.ports).toHaveLength(100);
    expect(await readHost(context, '127.80.0.40')).toMatchObject({ address: '127.80.0.40' });

    // The next batch of that network reads and writes it per host again.
    await recordHostSightings(context, batch('c-3', 40, 100), limit);
    expect([...state.keys()].filter((key) => key.startsWith('network:'))).toEqual([]);
    expect((await readHost(context, '127.80.0.1'))?.campaigns).toHaveLength(3);
  });
});

describe('readHostPage', () => {
  it('splits a large inventory into pages of about 8 MiB, each host once, the newest copy kept', async () => {
    const { state, context } = inMemoryObject();
    // 12 networks of 200 hosts x 40 ports with banners of their own, ~1 MB each
    // as stored (packed): more than one page.
    for (let network = 0; network < 12; network += 1)
      await recordHostSightings(context, batch('c-1', 200, 40, network, 100));
    // A host of the first layout, also in its network's (newer) entry.
    const stale = { ...(await readHost(context, '127.80.3.7'))!, hostnames: ['stale.lab'] };
    state.set('host:127.80.3.7', stale);

    const first = await readHostPage(context);
    expect(first.next).toMatch(/^network:/);
    const bytes = [...state.entries()]
      .filter(([key]) => key <= first.next!)
      .reduce((sum, [, value]) => sum + JSON.stringify(value).length, 0);
    expect(bytes).toBeGreaterThanOrEqual(8 * 2 ** 20);
    expect(bytes).toBeLessThan(8 * 2 ** 20 + 2 * 2 ** 20);

    const hosts = await readAllHosts(context);
    expect(hosts).toHaveLength(12 * 200);
    expect(new Set(hosts.map((host) => host.address)).size).toBe(12 * 200);
    expect(hosts.find((host) => host.address === '127.80.3.7')!.hostnames).not.toContain(
      'stale.lab',
    );
    expect(hosts[0]!.address).toBe('127.80.0.1');
    expect(hosts.at(-1)!.address).toBe('127.80.11.200');
  });
});
