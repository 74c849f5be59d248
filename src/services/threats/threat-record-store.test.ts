import type * as restate from '@restatedev/restate-sdk';
import { describe, expect, it } from 'vitest';
import type { AffectedService, ThreatRecord, ThreatSighting } from '../../shared/threat.js';
import { inMemoryObject } from '../../../test/support/in-memory-object.js';
import { applySightings } from './threat-record.js';
import {
  PORT_BLOCK,
  readThreatRecordFor,
  readWholeThreatRecord,
  writeSightings,
} from './threat-record-store.js';

const CVE = 'CVE-2011-2523';
/**
 * Small enough for a hundred-odd packed services (~25 bytes each) to pass
 * it: what 8 MiB is to a honeypot /24.
 */
const LIMIT = 3 * 1024;

function sighting(campaignId: string, host: string, port: number): ThreatSighting {
  return {
    campaignId,
    cve: CVE,
    severity: 'critical',
    cvssScore: 9.8,
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    summary: 'vsftpd 2.3.4 backdoor',
    host,
    port,
    product: 'vsftpd:vsftpd',
    version: '2.3.4',
    engine: 'builtin',
    // Campaign c-N at 06:0N.
    observedAt: `2026-12-01T06:0${campaignId.slice(2)}:00.000Z`,
  };
}

/** One batch as the ThreatIntel `record` handler stores it (a new sighting in it, at least). */
async function recordBatch(context: restate.ObjectContext, sightings: ThreatSighting[]) {
  const existing = await readThreatRecordFor(context, sightings);
  const { record, counted } = applySightings(existing?.record, sightings);
  if (!record || record === existing?.record) return { counted, row: undefined };
  const row = await writeSightings(context, existing, record, sightings[0]!.observedAt, LIMIT);
  return { counted, row };
}

/**
 * The same batches applied to one whole record in memory (no store): what
 * every read must give back, and the threats-table counts.
 */
class WholeRecord {
  record: ThreatRecord | undefined;
  apply(sightings: ThreatSighting[]) {
    this.record = applySightings(this.record, sightings).record;
  }
  get affected(): AffectedService[] {
    return [...this.record!.affected].sort(
      (left, right) =>
        left.host.localeCompare(right.host, 'en', { numeric: true }) || left.port - right.port,
    );
  }
  get counts() {
    const affected = this.record!.affected;
    return {
      affectedHosts: new Set(affected.map((service) => service.host)).size,
      affectedServices: affected.length,
    };
  }
}

/** The entries holding affected services (the update history has its own bound). */
function serviceEntries(state: Map<string, unknown>): [string, unknown][] {
  const entries = [...state].filter(([key]) => /^(hosts|host|ports):/.test(key));
  expect(entries).not.toEqual([]);
  return entries;
}

const hostsOf = (network: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => `${network}.${from + index}`);
/** 200 ports of one host, 300 apart: from 1 to 59,701, a few per port block. */
const spreadPorts = Array.from({ length: 200 }, (_, index) => 1 + 300 * index);

describe('threat record services stored by network, by host, by port block', () => {
  it('keeps a network in one entry while it fits', async () => {
    const { state, context } = inMemoryObject();
    await recordBatch(
      context,
      hostsOf('127.80.0', 1, 4).flatMap((host) => [
        sighting('c-1', host, 21),
        sighting('c-1', host, 22),
      ]),
    );
    expect([...state.keys()].sort()).toEqual(['hosts:127.80.0', 'record', 'updates:0']);
    expect((state.get('record') as Record<string, unknown>).layout).toBeUndefined();
    expect((await readWholeThreatRecord(context))?.record.affected).toHaveLength(8);
  });

  it('splits a network too large for one entry by host, and a host too large by port block', async () => {
    const { state, context } = inMemoryObject();
    const whole = new WholeRecord();
    const batch = async (sightings: ThreatSighting[]) => {
      whole.apply(sightings);
      return recordBatch(context, sightings);
    };
    const expectStoredAsWhole = async () => {
      for (const [key, value] of serviceEntries(state))
        expect(Buffer.byteLength(JSON.stringify(value)), key).toBeLessThanOrEqual(LIMIT);
      const read = await readWholeThreatRecord(context);
      expect(read?.record.affected).toEqual(whole.affected);
      expect(read?.counts).toEqual({
        hosts: whole.counts.affectedHosts,
        services: whole.counts.affectedServices,
      });
    };

    await batch(hostsOf('127.80.0', 1, 4).map((host) => sighting('c-1', host, 21)));
    expect(state.has('hosts:127.80.0')).toBe(true);

    // A honeypot: one host on 200 ports, 39 more on port 21; another network beside it.
    const second = await batch([
      ...[21, ...spreadPorts].map((port) => sighting('c-2', '127.80.0.1', port)),
      ...hostsOf('127.80.0', 2, 40).map((host) => sighting('c-2', host, 21)),
      sighting('c-2', '127.81.0.1', 21),
    ]);
    expect(second.counted).toBe(241);
    const keys = [...state.keys()].sort();
    expect(keys).not.toContain('hosts:127.80.0');
    expect(keys).toContain('hosts:127.81.0');
    expect(keys.filter((key) => key.startsWith('host:')).sort()).toEqual(
      hostsOf('127.80.0', 2, 40)
        .map((host) => `host:${host}`)
        .sort(),
    );
    const blocks = new Set([21, ...spreadPorts].map((port) => port - (port % PORT_BLOCK)));
    expect(keys.filter((key) => key.startsWith('ports:')).sort()).toEqual(
      [...blocks].map((first) => `ports:127.80.0.1/${first}`).sort(),
    );
    expect((state.get('record') as Record<string, unknown>).layout).toEqual({
      perHostNetworks: ['127.80.0'],
      perBlockHosts: ['127.80.0.1'],
    });
    expect(second.row).toMatchObject(whole.counts);
    await expectStoredAsWhole();

    // The next batch reads and writes only the entries of what it sees: a known
    // port, a port in a known block, one in a new block, a known and a new host.
    const third = [
      sighting('c-3', '127.80.0.1', 21),
      sighting('c-3', '127.80.0.1', 22),
      sighting('c-3', '127.80.0.1', 65_535),
      sighting('c-3', '127.80.0.2', 21),
      sighting('c-3', '127.80.0.41', 21),
    ];
    const recorded = await batch(third);
    expect(recorded.counted).toBe(5);
    expect(recorded.row).toMatchObject({ affectedHosts: 42, affectedServices: 244 });
    expect(recorded.row).toMatchObject(whole.counts);
    expect(state.has('ports:127.80.0.1/64512')).toBe(true);
    expect(state.has('host:127.80.0.41')).toBe(true);
    await expectStoredAsWhole();
    const service = (await readWholeThreatRecord(context))?.record.affected.find(
      (each) => each.host === '127.80.0.1' && each.port === 21,
    );
    expect(service?.recentCampaigns).toEqual(['c-1', 'c-2', 'c-3']);

    // A retried batch finds its campaign on every service it names.
    expect((await recordBatch(context, third)).counted).toBe(0);
    await expectStoredAsWhole();

    // A host stored per block is known even when the one block read is new.
    const fourth = await batch([sighting('c-4', '127.80.0.1', 61_000)]);
    expect(fourth.row).toMatchObject({ affectedHosts: 42, affectedServices: 245 });
    expect(state.has('ports:127.80.0.1/60416')).toBe(true);
    await expectStoredAsWhole();
  });

  it('splits a record from before the services left the header when it no longer fits', async () => {
    const { state, context } = inMemoryObject();
    const whole = new WholeRecord();
    whole.apply(spreadPorts.map((port) => sighting('c-1', '127.80.0.1', port)));
    // As the version before the split stored it: every service inside, no counts.
    state.set('record', whole.record);

    const added = [sighting('c-2', '127.80.0.1', 21), sighting('c-2', '127.80.0.2', 21)];
    whole.apply(added);
    const { row } = await recordBatch(context, added);
    expect(row).toMatchObject({ affectedHosts: 2, affectedServices: 202 });
    expect(state.has('hosts:127.80.0')).toBe(false);
    expect(state.has('host:127.80.0.2')).toBe(true);
    expect([...state.keys()].filter((key) => key.startsWith('ports:127.80.0.1/'))).not.toEqual([]);
    for (const [key, value] of serviceEntries(state))
      expect(Buffer.byteLength(JSON.stringify(value)), key).toBeLessThanOrEqual(LIMIT);
    expect((await readWholeThreatRecord(context))?.record.affected).toEqual(whole.affected);
  });
});
