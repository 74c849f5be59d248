import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HostPort,
  HostRecord,
  MAX_CAMPAIGNS_PER_HOST,
  mergeHostSightings,
  type HostSighting,
} from './host-inventory.js';
import { PACKED_HOST_FIELDS, PACKED_PORT_FIELDS, packHosts, unpackHosts } from './packed-hosts.js';
import { Severity } from './vulnerability.js';

const text = fc.oneof(
  fc.constantFrom('', 'ssh', 'x'.repeat(300), '2026-12-01T06:00:00.000Z'),
  fc.string(),
);

const arbitraryPort = fc.record(
  {
    port: fc.integer({ min: 1, max: 65_535 }),
    service: text,
    product: text,
    version: text,
    banner: text,
    cves: fc.array(
      fc.record({
        cve: fc.constantFrom('CVE-2021-41773', 'CVE-2023-38408'),
        severity: fc.constantFrom(...Severity.options),
        cvssScore: fc.oneof(fc.constant(9.8), fc.double({ min: 0, max: 10, noNaN: true })),
      }),
      { maxLength: 4 },
    ),
    firstSeen: text,
    lastSeen: text,
  },
  { requiredKeys: ['port', 'cves', 'firstSeen', 'lastSeen'] },
);

const arbitraryHost = fc.record(
  {
    address: fc.constantFrom('127.80.0.1', '127.80.0.2', '::1'),
    hostnames: fc.array(text, { maxLength: 3 }),
    ports: fc.array(arbitraryPort, { maxLength: 5 }),
    firstSeen: text,
    lastSeen: text,
    campaigns: fc.array(fc.record({ campaignId: text, lastSeen: text }), { maxLength: 6 }),
    cveTriage: fc.dictionary(
      fc.constantFrom('CVE-2021-41773', 'CVE-2023-38408'),
      fc.record(
        {
          state: fc.constantFrom('new', 'confirmed', 'false-positive'),
          note: text,
          actor: text,
          at: text,
        },
        { requiredKeys: ['state', 'at'] },
      ),
    ),
  },
  { requiredKeys: ['address', 'hostnames', 'ports', 'firstSeen', 'lastSeen', 'campaigns'] },
) as fc.Arbitrary<HostRecord>;

describe('packed hosts', () => {
  it('packs every field of HostRecord and HostPort (a new field must be packed too)', () => {
    expect([...PACKED_HOST_FIELDS].sort()).toEqual(Object.keys(HostRecord.shape).sort());
    expect([...PACKED_PORT_FIELDS].sort()).toEqual(Object.keys(HostPort.shape).sort());
  });

  it('round-trips any hosts through JSON, optional fields absent or present, in key order', () => {
    fc.assert(
      fc.property(fc.array(arbitraryHost, { maxLength: 20 }), (hosts) => {
        const stored = JSON.parse(JSON.stringify(packHosts(hosts))) as ReturnType<typeof packHosts>;
        const unpacked = unpackHosts(stored);
        // As stored plain (JSON), key order included.
        expect(unpacked).toStrictEqual(JSON.parse(JSON.stringify(hosts)));
        expect(JSON.stringify(unpacked)).toBe(JSON.stringify(hosts));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a network of hosts seen by 50 campaigns a small fraction of its plain size', () => {
    let network: HostRecord[] = [];
    const sightings: HostSighting[] = Array.from({ length: 254 }, (_, index) => ({
      address: `127.80.0.${index + 1}`,
      ports: [
        {
          port: 22,
          service: 'ssh',
          product: 'openssh',
          version: '7.4',
          banner: 'SSH-2.0-OpenSSH_7.4',
          cves: [{ cve: 'CVE-2023-38408', severity: 'critical', cvssScore: 9.8 }],
        },
        {
          port: 80,
          service: 'http',
          product: 'nginx',
          version: '1.18.0',
          banner: `HTTP/1.1 200 OK\r\nServer: nginx/1.18.0\r\nX-Host: ${index}`,
          cves: [],
        },
      ],
    }));
    for (let campaign = 0; campaign < MAX_CAMPAIGNS_PER_HOST; campaign += 1) {
      const at = new Date(Date.UTC(2026, 11, 1, 6, campaign)).toISOString();
      network = mergeHostSightings(
        network,
        sightings,
        `c-${String(campaign).padStart(12, '0')}`,
        at,
      );
    }
    const plain = JSON.stringify(network).length;
    const packed = JSON.stringify(packHosts(network)).length;
    expect(plain).toBeGreaterThan(1_000_000);
    expect(packed).toBeLessThan(plain / 8);
    expect(unpackHosts(packHosts(network))).toStrictEqual(network);
  });

  it('reads entries written before packing: a network array, a single host, none', () => {
    const host: HostRecord = {
      address: '127.80.0.1',
      hostnames: [],
      ports: [],
      firstSeen: 'a',
      lastSeen: 'b',
      campaigns: [],
    };
    const plain = [host];
    expect(unpackHosts(plain)).toBe(plain);
    expect(unpackHosts(host)).toEqual([host]);
    expect(unpackHosts(null)).toEqual([]);
    expect(unpackHosts(packHosts([]))).toEqual([]);
  });
});
