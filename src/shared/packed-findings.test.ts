import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findingsOfBatch } from './campaign.js';
import {
  countPackedFindings,
  PackedFindings,
  packFindings,
  splitPackedByCve,
  unpackFindings,
} from './packed-findings.js';
import { groupSightingsByCve, unpackSightings } from './threat.js';
import type { Finding } from './vulnerability.js';

const APACHE: Omit<Finding, 'host' | 'port'> = {
  cve: 'CVE-2021-41773',
  severity: 'high',
  cvssScore: 7.5,
  cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
  cvssVersion: '3.1',
  summary: 'Path traversal in Apache HTTP Server 2.4.49',
  product: 'apache:http_server',
  version: '2.4.49',
  cpe: 'cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*',
  kev: { dateAdded: '2021-11-03', knownRansomwareCampaignUse: 'Known' },
  epss: { score: 0.94, percentile: 0.99 },
  observedAt: '2026-12-01T03:00:00.000Z',
  engine: 'nmap',
};

const finding = (host: string, port: number, overrides: Partial<Finding> = {}): Finding => ({
  ...APACHE,
  host,
  port,
  ...overrides,
});

/** Sorted the same way, so packing's grouping by service does not matter. */
const canonical = (findings: readonly Finding[]) =>
  findings.map((item) => JSON.stringify(item, Object.keys(item).sort())).sort();

const arbitraryFinding = fc.record(
  {
    host: fc.constantFrom('127.0.0.1', '127.0.0.2', '127.0.0.3'),
    port: fc.constantFrom(22, 80, 443),
    cve: fc.constantFrom('CVE-2021-41773', 'CVE-2021-42013', 'CVE-2016-6210'),
    severity: fc.constantFrom('low', 'high', 'critical'),
    cvssScore: fc.constantFrom(3.1, 7.5, 9.8),
    cvssVector: fc.constant('CVSS:3.1/AV:N'),
    summary: fc.constantFrom('one', 'two'),
    product: fc.constantFrom('apache:http_server', 'openbsd:openssh'),
    version: fc.constantFrom('2.4.49', '7.2'),
    cpe: fc.constant('cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*'),
    kev: fc.constant(APACHE.kev!),
    epss: fc.constantFrom({ score: 0.1, percentile: 0.2 }, { score: 0.9, percentile: 0.95 }),
    observedAt: fc.constant(APACHE.observedAt),
    engine: fc.constantFrom('nmap', 'builtin'),
  },
  { requiredKeys: ['host', 'port', 'cve', 'severity', 'cvssScore', 'cvssVector', 'summary'] },
);

/** Up to 40 findings of the fields above, filled in to whole findings. */
const arbitraryFindings = fc.array(arbitraryFinding, { maxLength: 40 }).map(
  (generated) =>
    generated.map((item) => ({
      product: 'apache:http_server',
      version: '2.4.49',
      observedAt: APACHE.observedAt,
      engine: 'nmap' as const,
      ...item,
    })) as Finding[],
);

describe('packed findings', () => {
  it("keeps each CVE's facts once and each service once", () => {
    const findings = [
      finding('127.0.0.1', 80),
      finding('127.0.0.1', 80, { cve: 'CVE-2021-42013', cvssScore: 9.8, severity: 'critical' }),
      finding('127.0.0.2', 80),
      finding('127.0.0.2', 80, { cve: 'CVE-2021-42013', cvssScore: 9.8, severity: 'critical' }),
    ];
    const packed = packFindings(findings);
    expect(packed.cves.map((facts) => facts.cve)).toEqual(['CVE-2021-41773', 'CVE-2021-42013']);
    expect(packed.services.map((service) => [service.host, service.cves])).toEqual([
      ['127.0.0.1', [0, 1]],
      ['127.0.0.2', [0, 1]],
    ]);
    expect(countPackedFindings(packed)).toBe(4);
    expect(unpackFindings(packed)).toEqual(findings);
    expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(findings).length * 0.7);
  });

  it('keeps differing facts of one CVE apart (nothing is lost)', () => {
    const findings = [
      finding('127.0.0.1', 80),
      finding('127.0.0.2', 80, { epss: { score: 0.5, percentile: 0.7 } }),
    ];
    const packed = packFindings(findings);
    expect(packed.cves).toHaveLength(2);
    expect(unpackFindings(packed)).toEqual(findings);
  });

  it('round-trips any findings, optional fields absent or present', () => {
    fc.assert(
      fc.property(arbitraryFindings, (findings) => {
        const packed = packFindings(findings);
        expect(PackedFindings.safeParse(packed).success).toBe(true);
        expect(canonical(unpackFindings(packed))).toEqual(canonical(findings));
        expect(countPackedFindings(packed)).toBe(findings.length);
      }),
      { numRuns: 200 },
    );
  });

  it("splits packed findings by CVE without unpacking: each group unpacks to its CVE's findings, in order", () => {
    fc.assert(
      fc.property(arbitraryFindings, (findings) => {
        const packed = packFindings(findings);
        const split = splitPackedByCve(packed);
        const all = unpackFindings(packed);
        expect([...split.keys()].sort()).toEqual(
          [...new Set(findings.map((item) => item.cve))].sort(),
        );
        for (const [cve, group] of split) {
          expect(PackedFindings.safeParse(group).success).toBe(true);
          expect(unpackFindings(group)).toEqual(all.filter((item) => item.cve === cve));
        }
        // What ThreatIntel gets is the same whether a batch's findings come packed or plain.
        const fromPacked = groupSightingsByCve('c-1', packed);
        const fromPlain = groupSightingsByCve('c-1', findings);
        expect([...fromPacked.keys()].sort()).toEqual([...fromPlain.keys()].sort());
        for (const [cve, sightings] of fromPlain)
          expect(canonical(unpackSightings(fromPacked.get(cve)!))).toEqual(
            canonical(unpackSightings(sightings)),
          );
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a service that points past the CVE list', () => {
    const packed = packFindings([finding('127.0.0.1', 80)]);
    const broken = { ...packed, services: [{ ...packed.services[0]!, cves: [3] }] };
    const parsed = PackedFindings.safeParse(broken);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      'a service refers to a CVE the list does not have',
    );
  });

  it('reads batches stored before packing (a plain array) and packed ones alike', () => {
    const findings = [finding('127.0.0.1', 80), finding('127.0.0.2', 443)];
    expect(findingsOfBatch({ findings })).toEqual(findings);
    expect(findingsOfBatch({ findings: packFindings(findings) })).toEqual(findings);
  });

  it('sends each ThreatIntel record its own CVE, packed, and reads the old plain form too', () => {
    const findings = [
      finding('127.0.0.1', 80),
      finding('127.0.0.1', 80, { cve: 'CVE-2021-42013' }),
      finding('127.0.0.2', 80),
    ];
    const groups = groupSightingsByCve('c-1', findings);
    expect([...groups.keys()]).toEqual(['CVE-2021-41773', 'CVE-2021-42013']);
    const apache = unpackSightings(groups.get('CVE-2021-41773')!);
    expect(apache).toEqual([
      { campaignId: 'c-1', ...findings[0] },
      { campaignId: 'c-1', ...findings[2] },
    ]);
    expect(unpackSightings(apache)).toEqual(apache);
  });
});
