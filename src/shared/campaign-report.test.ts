import {
  addBatchToTotals,
  emptyTotals,
  summarizeBatch,
  totalsOfResults,
} from './campaign-totals.js';
import { describe, expect, it } from 'vitest';
import { findingsOfBatch, type BatchResult } from './campaign.js';
import { packFindings } from './packed-findings.js';
import type { Finding, Severity } from './vulnerability.js';
import { compareAddresses } from './address-intervals.js';
import { assembleReport, type CampaignMetadata } from './campaign-report.js';

const METADATA: CampaignMetadata = {
  campaignId: 'c-1',
  name: 'lab',
  request: {
    name: 'lab',
    targets: '127.10.0.1-20',
    ports: '22,80',
    scope: '127.10.0.0/24',
    engine: 'builtin',
  },
  engine: 'builtin',
  targets: 20,
  state: 'completed',
};

function batch(
  index: number,
  hostCount: number,
  overrides: Partial<BatchResult> = {},
): BatchResult {
  return {
    index,
    state: 'done',
    engine: 'builtin',
    hosts: Array.from({ length: hostCount }, (_, offset) => ({
      host: `127.10.0.${index * 10 + offset + 1}`,
      reachable: true,
      open: 0,
      closed: 2,
      filtered: 0,
    })),
    observations: [],
    findings: [],
    skipped: [],
    startedAt: 't0',
    finishedAt: 't1',
    ...overrides,
  };
}

const OBSERVED_AT = '2026-11-01T00:00:00.000Z';

/** A finding on the Apache of 127.10.0.12:80. */
const apacheFinding = (cve: string, severity: Severity, cvssScore: number): Finding => ({
  cve,
  severity,
  cvssScore,
  cvssVector: 'v',
  summary: 's',
  host: '127.10.0.12',
  port: 80,
  product: 'apache_httpd',
  version: '2.4.49',
  observedAt: OBSERVED_AT,
  engine: 'builtin',
});

describe('campaign report', () => {
  it('joins open ports with their CVEs and groups threats by CVE, in address order', () => {
    const second = batch(1, 10, {
      observations: [
        {
          host: '127.10.0.12',
          port: 80,
          protocol: 'tcp',
          state: 'open',
          product: 'apache_httpd',
          version: '2.4.49',
          engine: 'builtin',
          observedAt: OBSERVED_AT,
        },
      ],
      findings: [
        apacheFinding('CVE-2021-41773', 'high', 7.5),
        apacheFinding('CVE-2021-42013', 'critical', 9.8),
      ],
    });
    const first = batch(0, 10, {
      observations: [
        {
          host: '127.10.0.9',
          port: 22,
          protocol: 'tcp',
          state: 'open',
          product: 'openssh',
          version: '9.9',
          engine: 'builtin',
          observedAt: OBSERVED_AT,
        },
      ],
    });
    const report = assembleReport(METADATA, [second, first], []);
    expect(report.hosts.map((host) => host.host)).toEqual(['127.10.0.9', '127.10.0.12']);
    expect(report.hosts[1]!.ports[0]!.cves).toEqual(['CVE-2021-41773', 'CVE-2021-42013']);
    expect(report.threats.map((threat) => threat.cve)).toEqual([
      'CVE-2021-42013',
      'CVE-2021-41773',
    ]);
    expect(report.totals).toEqual({
      targets: 20,
      targetsDone: 20,
      hostsUp: 20,
      openPorts: 2,
      findings: { critical: 1, high: 1, medium: 0, low: 0, none: 0 },
    });
    expect(report.complete).toBe(true);
    // Batches store their findings packed; those of older versions, plain: the same report.
    const packed = { ...second, findings: packFindings(findingsOfBatch(second)) };
    expect(assembleReport(METADATA, [packed, first], [])).toEqual(report);
  });

  it('is incomplete when a batch failed or the campaign did not complete', () => {
    const failed = batch(1, 0, { state: 'failed', error: 'nmap exited 1' });
    const report = assembleReport(METADATA, [batch(0, 10), failed], []);
    expect(report.complete).toBe(false);
    expect(report.failedBatches).toEqual([{ index: 1, error: 'nmap exited 1' }]);
    expect(assembleReport({ ...METADATA, state: 'cancelled' }, [batch(0, 10)], []).complete).toBe(
      false,
    );
  });

  it('counts skipped hostnames as done', () => {
    const totals = totalsOfResults(3, [
      batch(0, 2, { skipped: [{ target: 'nowhere.invalid', reason: 'does not resolve' }] }),
    ]);
    expect(totals.targetsDone).toBe(3);
  });

  it('counts a batch by its window, failed or not: targetsDone means the same in progress and report', () => {
    const failed = batch(1, 0, { state: 'failed', error: 'refused', targets: 5 });
    const totals = totalsOfResults(10, [batch(0, 5, { targets: 5 }), failed]);
    expect(totals.targetsDone).toBe(10);
    expect(addBatchToTotals(emptyTotals(10), summarizeBatch(failed)).targetsDone).toBe(5);
  });

  it('orders IPv4 addresses numerically', () => {
    expect(['127.0.0.10', '127.0.0.9', '10.0.0.1'].sort(compareAddresses)).toEqual([
      '10.0.0.1',
      '127.0.0.9',
      '127.0.0.10',
    ]);
  });
});
