import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packRecords, unpackRecords } from './packed-records.js';

/** Shaped like the lists a threat record stores: affected services, updates. */
const arbitraryRecord = fc.record(
  {
    host: fc.constantFrom('127.80.0.1', '127.80.0.2', '::1'),
    port: fc.integer({ min: 1, max: 65_535 }),
    product: fc.constantFrom('vsftpd:vsftpd', 'openbsd:openssh', 'x'.repeat(300)),
    version: fc.string(),
    sightings: fc.nat(),
    recentCampaigns: fc.array(fc.constantFrom('c-1', 'c-2', 'imp-3'), { maxLength: 32 }),
    // Strings in some records, numbers in others: kept as they are.
    mixed: fc.oneof(fc.string(), fc.nat()),
    // A nested value is kept as it is (values JSON can hold).
    epss: fc.record({ score: fc.nat(1000), percentile: fc.nat(1000) }),
  },
  { requiredKeys: ['host', 'port'] },
);

describe('packed records', () => {
  it('round-trips any list of flat records, fields absent or present', () => {
    fc.assert(
      fc.property(fc.array(arbitraryRecord, { maxLength: 50 }), (records) => {
        const stored = JSON.parse(JSON.stringify(packRecords(records))) as ReturnType<
          typeof packRecords
        >;
        expect(unpackRecords(stored)).toEqual(records);
      }),
      { numRuns: 300 },
    );
  });

  it('stores each string once: a batch of services of one CVE shrinks about sixfold', () => {
    const services = Array.from({ length: 256 }, (_, index) => ({
      host: `127.80.0.${index}`,
      port: 21,
      product: 'vsftpd:vsftpd',
      version: '2.3.4',
      firstSeen: '2026-12-01T14:29:28.000Z',
      lastSeen: '2026-12-01T14:29:28.000Z',
      sightings: 1,
      recentCampaigns: ['c-0123456789ab'],
    }));
    const packed = packRecords(services);
    expect(packed.strings.filter((text) => text === 'vsftpd:vsftpd')).toHaveLength(1);
    expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(services).length / 5);
    expect(unpackRecords(packed)).toEqual(services);
  });

  it('reads entries written before packing (plain arrays) and absent ones', () => {
    const plain = [{ host: '127.80.0.1', port: 21 }];
    expect(unpackRecords(plain)).toBe(plain);
    expect(unpackRecords(null)).toEqual([]);
    expect(unpackRecords(packRecords([]))).toEqual([]);
  });
});
