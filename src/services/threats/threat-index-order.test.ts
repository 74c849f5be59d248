import { describe, expect, it } from 'vitest';
import type { ThreatSighting, ThreatSummary } from '../../shared/threat.js';
import { isNewerRow, matchesFilter, threatOrder } from './threat-index-object.js';
import { applySightings, summarizeThreat } from './threat-record.js';

const row = (cve: string, overrides: Partial<ThreatSummary> = {}): ThreatSummary => ({
  cve,
  severity: 'high',
  cvssScore: 7.5,
  summary: cve,
  product: 'libssh:libssh',
  affectedHosts: 1,
  affectedServices: 1,
  firstSeen: '2026-11-01T00:00:00.000Z',
  lastSeen: '2026-11-01T00:00:00.000Z',
  triageState: 'new',
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

const KEV = { dateAdded: '2021-11-03', knownRansomwareCampaignUse: 'Known' };
const rows = [
  row('CVE-2020-0001', {
    severity: 'critical',
    cvssScore: 9.8,
    epss: { score: 0.1, percentile: 0.5 },
  }),
  row('CVE-2020-0002', {
    severity: 'medium',
    cvssScore: 5.3,
    kev: KEV,
    epss: { score: 0.7, percentile: 0.99 },
  }),
  row('CVE-2020-0003', { severity: 'high', cvssScore: 7.5, lastSeen: '2026-11-20T00:00:00.000Z' }),
  row('CVE-2020-0004', {
    severity: 'high',
    cvssScore: 8.1,
    epss: { score: 0.55, percentile: 0.97 },
  }),
];
const order = (sort?: Parameters<typeof threatOrder>[0]) =>
  [...rows].sort(threatOrder(sort)).map((entry) => entry.cve);

describe('threat list order and filters', () => {
  it('ranks KEV first, then severity and CVSS', () => {
    expect(order()).toEqual(['CVE-2020-0002', 'CVE-2020-0001', 'CVE-2020-0004', 'CVE-2020-0003']);
    expect(order('epss')).toEqual([
      'CVE-2020-0002',
      'CVE-2020-0004',
      'CVE-2020-0001',
      'CVE-2020-0003',
    ]);
    expect(order('cvss')).toEqual([
      'CVE-2020-0001',
      'CVE-2020-0004',
      'CVE-2020-0003',
      'CVE-2020-0002',
    ]);
    expect(order('last-seen')[0]).toBe('CVE-2020-0003');
  });

  it('filters on KEV and a minimum EPSS score', () => {
    expect(
      rows.filter((entry) => matchesFilter(entry, { kev: true })).map((entry) => entry.cve),
    ).toEqual(['CVE-2020-0002']);
    expect(
      rows.filter((entry) => matchesFilter(entry, { minEpss: 0.5 })).map((entry) => entry.cve),
    ).toEqual(['CVE-2020-0002', 'CVE-2020-0004']);
    expect(rows.filter((entry) => matchesFilter(entry, { kev: true, minEpss: 0.8 }))).toEqual([]);
  });
});

describe('threats-table rows arriving out of order', () => {
  it('keep the highest revision of each CVE, whatever the arrival order', () => {
    const older = row('CVE-2020-0001', { revision: 3, affectedHosts: 1 });
    const newer = row('CVE-2020-0001', { revision: 4, affectedHosts: 2 });
    expect(isNewerRow(newer, older)).toBe(true);
    expect(isNewerRow(older, newer)).toBe(false);
    expect(isNewerRow(older, undefined)).toBe(true);
    // Rows written before revisions existed count as revision 0.
    expect(isNewerRow(older, row('CVE-2020-0001'))).toBe(true);
  });
});

describe('threat records carry scoring and exploitation', () => {
  const sighting: ThreatSighting = {
    campaignId: 'c1',
    cve: 'CVE-2019-12815',
    severity: 'critical',
    cvssScore: 9.8,
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    cvssVersion: '3.1',
    cvssSource: 'nvd@nist.gov',
    summary: 'mod_copy',
    host: '127.31.1.6',
    port: 21,
    product: 'proftpd:proftpd',
    version: '1.3.6rc2',
    kev: KEV,
    epss: { score: 0.61, percentile: 0.98 },
    engine: 'nmap',
    observedAt: '2026-11-30T00:00:00.000Z',
  };

  it('keep the newest sighting’s KEV, EPSS and CVSS version, and stay idempotent', () => {
    const first = applySightings(undefined, [sighting]);
    expect(first.record).toMatchObject({ kev: KEV, epss: { score: 0.61 }, cvssVersion: '3.1' });
    expect(applySightings(first.record, [sighting]).counted).toBe(0);
    // A later campaign after KEV was removed from the knowledge: the record follows it.
    const later = applySightings(first.record, [
      { ...sighting, campaignId: 'c2', kev: undefined, epss: { score: 0.7, percentile: 0.99 } },
    ]);
    expect(later.record?.kev).toBeUndefined();
    expect(summarizeThreat(later.record!, '2026-11-30T01:00:00.000Z')).toMatchObject({
      epss: { score: 0.7 },
      cvssVersion: '3.1',
    });
  });
});
