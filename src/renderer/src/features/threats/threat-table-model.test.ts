import { describe, expect, it } from 'vitest';
import type { ThreatSummary } from '../../../../shared/threat';
import {
  threatQueryFromSearch,
  threatSearchPatch,
  compareCve,
  DEFAULT_THREAT_QUERY,
  filterAndSortThreats,
  toggleSort,
  type ThreatQuery,
} from './threat-table-model';

function row(cve: string, patch: Partial<ThreatSummary> = {}): ThreatSummary {
  return {
    cve,
    severity: 'medium',
    cvssScore: 5,
    summary: 'summary',
    product: 'openssh',
    affectedHosts: 1,
    affectedServices: 1,
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:00:00.000Z',
    triageState: 'new',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

const rows = [
  row('CVE-2021-41773', { severity: 'high', cvssScore: 7.5, product: 'apache_httpd' }),
  row('CVE-2011-2523', {
    severity: 'critical',
    cvssScore: 9.8,
    product: 'vsftpd',
    triageState: 'confirmed',
  }),
  row('CVE-2016-6210', { severity: 'medium', cvssScore: 5.9, summary: 'user enumeration' }),
  row('CVE-2021-9999', { severity: 'high', cvssScore: 8.1 }),
];

const query = (patch: Partial<ThreatQuery>): ThreatQuery => ({ ...DEFAULT_THREAT_QUERY, ...patch });

describe('filterAndSortThreats', () => {
  it('lists the most severe first by default', () => {
    expect(filterAndSortThreats(rows, DEFAULT_THREAT_QUERY).map((entry) => entry.cve)).toEqual([
      'CVE-2011-2523',
      'CVE-2021-9999',
      'CVE-2021-41773',
      'CVE-2016-6210',
    ]);
  });

  it('filters by severity, triage state and text together', () => {
    const pick = (patch: Partial<ThreatQuery>) =>
      filterAndSortThreats(rows, query(patch)).map((entry) => entry.cve);
    expect(pick({ severities: ['high'] })).toEqual(['CVE-2021-9999', 'CVE-2021-41773']);
    expect(pick({ triageStates: ['confirmed'] })).toEqual(['CVE-2011-2523']);
    expect(pick({ text: 'ENUMERATION' })).toEqual(['CVE-2016-6210']);
    expect(pick({ text: 'apache', severities: ['critical'] })).toEqual([]);
  });

  it('sorts CVE ids numerically', () => {
    expect(compareCve('CVE-2021-9999', 'CVE-2021-41773')).toBeLessThan(0);
    const ascending = filterAndSortThreats(
      rows,
      query({ sort: { column: 'cve', direction: 'ascending' } }),
    );
    expect(ascending.map((entry) => entry.cve)).toEqual([
      'CVE-2011-2523',
      'CVE-2016-6210',
      'CVE-2021-9999',
      'CVE-2021-41773',
    ]);
  });

  it('handles 10,000 records quickly', () => {
    const many = Array.from({ length: 10_000 }, (_, index) =>
      row(`CVE-2024-${10_000 + index}`, {
        severity: index % 2 ? 'high' : 'low',
        cvssScore: index % 10,
      }),
    );
    const started = performance.now();
    const sorted = filterAndSortThreats(
      many,
      query({ text: 'cve-2024-1', sort: { column: 'lastSeen', direction: 'descending' } }),
    );
    expect(sorted).toHaveLength(10_000);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('toggleSort', () => {
  it('flips the direction on the same column and picks a natural one on a new column', () => {
    expect(toggleSort({ column: 'cve', direction: 'ascending' }, 'cve').direction).toBe(
      'descending',
    );
    expect(toggleSort({ column: 'cve', direction: 'ascending' }, 'severity').direction).toBe(
      'descending',
    );
    expect(toggleSort({ column: 'severity', direction: 'descending' }, 'product').direction).toBe(
      'ascending',
    );
  });

  it('keeps the query in URL filters and reads it back', () => {
    const patch = threatSearchPatch({
      text: 'exim',
      severities: ['critical', 'high'],
      triageStates: ['new'],
      sort: { column: 'cve', direction: 'ascending' },
    });
    const search = new URLSearchParams(patch as Record<string, string>);
    expect(threatQueryFromSearch(search)).toEqual({
      text: 'exim',
      severities: ['critical', 'high'],
      triageStates: ['new'],
      sort: { column: 'cve', direction: 'ascending' },
    });
    expect(threatSearchPatch({ sort: DEFAULT_THREAT_QUERY.sort }).sort).toBeUndefined();
    // Unknown values in a hand-edited URL are dropped, not errors.
    expect(
      threatQueryFromSearch(new URLSearchParams('severity=bogus,low&sort=nope:up')),
    ).toMatchObject({ severities: ['low'], sort: DEFAULT_THREAT_QUERY.sort });
  });

  it('lists the CVEs of the hosts a search names instead of matching text', () => {
    const rows = [row('CVE-2021-0001'), row('CVE-2021-0002')];
    const onHost = new Set(['CVE-2021-0002']);
    expect(
      filterAndSortThreats(rows, { ...DEFAULT_THREAT_QUERY, text: '127.0.0.5' }, onHost).map(
        (entry) => entry.cve,
      ),
    ).toEqual(['CVE-2021-0002']);
  });
});
