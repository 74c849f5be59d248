import { describe, expect, it } from 'vitest';
import type { HostSightings } from '../../shared/host-inventory.js';
import { inMemoryObject } from '../../../test/support/in-memory-object.js';
import { readAllHosts, readHost, recordHostSightings } from './host-inventory-store.js';

/** One batch's sightings: `hosts` hosts of 127.80.0.0/24, `ports` open ports each. */
function batch(campaignId: string, hosts: number, ports: number): HostSightings {
  return {
    campaignId,
    // Campaign c-N at 06:0N.
    at: `2026-12-01T06:0${campaignId.slice(2)}:00.000Z`,
    hosts: Array.from({ length: hosts }, (_, host) => ({
      address: `127.80.0.${host + 1}`,
      ports: Array.from({ length: ports }, (_, port) => ({
        port: 1000 + port,
        service: 'unknown',
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
