import type { CampaignReport } from '../../shared/campaign.js';
import type { ThreatRecord } from '../../shared/threat.js';

/** A small finished campaign with hostile strings where scanned hosts control them (tests only). */
export function sampleReport(): CampaignReport {
  return {
    campaignId: 'c-sample',
    name: 'Lab <sweep> & "friends"',
    request: {
      name: 'Lab sweep',
      targets: '127.112.0.10-11',
      ports: '21,22,80',
      scope: '127.112.0.0/24',
      engine: 'builtin',
    } as CampaignReport['request'],
    state: 'completed',
    engine: 'builtin',
    startedAt: '2026-11-30T10:00:00.000Z',
    finishedAt: '2026-11-30T10:00:05.000Z',
    totals: {
      targets: 2,
      targetsDone: 2,
      hostsUp: 2,
      openPorts: 3,
      findings: { critical: 1, high: 1, medium: 0, low: 0, none: 0 },
    },
    hosts: [
      {
        host: '127.112.0.10',
        hostname: 'web.lab.test',
        ports: [
          {
            port: 22,
            service: 'ssh',
            product: 'openssh',
            version: '7.2p2',
            banner: 'SSH-2.0-OpenSSH_7.2p2',
            cpe: 'cpe:2.3:a:openbsd:openssh:7.2:p2:*:*:*:*:*:*',
            cves: ['CVE-2016-6210'],
          },
          {
            port: 80,
            service: 'http',
            product: 'apache_httpd',
            version: '2.4.49',
            banner: '=HYPERLINK("http://evil")<script>alert(1)</script>\u0001',
            cves: ['CVE-2021-41773'],
          },
        ],
      },
      { host: '127.112.0.11', ports: [{ port: 21, service: '@ftp', cves: [] }] },
    ],
    threats: [
      {
        cve: 'CVE-2021-41773',
        severity: 'critical',
        cvssScore: 9.8,
        summary: '=cmd|" /C calc"!A0 path traversal',
        product: 'apache_httpd',
        affected: [{ host: '127.112.0.10', port: 80, version: '2.4.49' }],
      },
      {
        cve: 'CVE-2016-6210',
        severity: 'high',
        cvssScore: 7.5,
        summary: 'User enumeration',
        product: 'openssh',
        affected: [{ host: '127.112.0.10', port: 22, version: '7.2p2' }],
      },
    ],
    skipped: [],
    failedBatches: [],
    audit: [{ at: '2026-11-30T10:00:05.000Z', event: 'completed' }],
    complete: true,
  };
}

/** Threat records of the sample's CVEs; the critical one carries EPSS and KEV as the knowledge engine adds them. */
export function sampleRecords(): ThreatRecord[] {
  const record = (
    cve: string,
    vector: string,
    host: string,
    port: number,
    product: string,
    version: string,
    extra: object = {},
  ): ThreatRecord =>
    ({
      cve,
      severity: 'high',
      cvssScore: 7.5,
      cvssVector: vector,
      summary: 'x',
      product,
      firstSeen: '2026-11-01T00:00:00.000Z',
      lastSeen: '2026-11-30T10:00:05.000Z',
      affected: [
        {
          host,
          port,
          product,
          version,
          firstSeen: '2026-11-01T00:00:00.000Z',
          lastSeen: '2026-11-30T10:00:05.000Z',
          sightings: 2,
          recentCampaigns: ['c-sample'],
        },
      ],
      triage: { state: 'confirmed', changedAt: '2026-11-02T00:00:00.000Z', history: [] },
      notes: [],
      updates: [],
      archivedUpdates: { count: 0 },
      totalSightings: 2,
      ...extra,
    }) as ThreatRecord;
  return [
    record(
      'CVE-2021-41773',
      'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      '127.112.0.10',
      80,
      'apache_httpd',
      '2.4.49',
      { epss: { score: 0.944 }, kev: { dateAdded: '2021-11-03' } },
    ),
    record('CVE-2016-6210', 'AV:N/AC:L/Au:N/C:P/I:N/A:N', '127.112.0.10', 22, 'openssh', '7.2p2'),
  ];
}
