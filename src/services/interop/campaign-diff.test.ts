import { describe, expect, it } from 'vitest';
import { CampaignDiff } from '../../shared/interop.js';
import { diffCampaigns, formatDiffText, formatDiffXml } from './campaign-diff.js';
import { sampleReport } from './export-fixtures.js';

describe('campaign diff', () => {
  it('finds nothing between a campaign and itself', () => {
    const diff = diffCampaigns({ report: sampleReport() }, { report: sampleReport() });
    expect(CampaignDiff.parse(diff).same).toBe(true);
    expect(formatDiffText(diff)).toContain('No differences.');
  });

  it('reports hosts up/down, ports opened/closed, service and version changes, CVEs new/gone', () => {
    const before = sampleReport();
    const after = sampleReport();
    after.campaignId = 'c-after';
    // 127.112.0.11 went away; 127.112.0.12 appeared; Apache was upgraded (CVE gone); SSH closed; 8080 opened.
    after.hosts = [
      {
        host: '127.112.0.10',
        ports: [
          { port: 80, service: 'http', product: 'apache_httpd', version: '2.4.58', cves: [] },
          { port: 8080, service: 'http', product: 'nginx', version: '1.25.3', cves: [] },
        ],
      },
      {
        host: '127.112.0.12',
        ports: [
          {
            port: 21,
            service: 'ftp',
            product: 'vsftpd',
            version: '2.3.4',
            cves: ['CVE-2011-2523'],
          },
        ],
      },
    ];
    after.threats = [
      {
        cve: 'CVE-2011-2523',
        severity: 'critical',
        cvssScore: 9.8,
        summary: 'backdoor',
        product: 'vsftpd',
        affected: [{ host: '127.112.0.12', port: 21, version: '2.3.4' }],
      },
    ];
    const diff = diffCampaigns(
      {
        report: before,
        hostSummaries: [{ host: '127.112.0.13', reachable: true, open: 0, closed: 3, filtered: 0 }],
      },
      { report: after },
    );
    expect(diff.same).toBe(false);
    expect(diff.hostsUp).toEqual(['127.112.0.12']);
    expect(diff.hostsDown).toEqual(['127.112.0.11', '127.112.0.13']);
    expect(diff.ports).toEqual([
      { host: '127.112.0.10', port: 22, change: 'closed', before: 'ssh openssh 7.2p2' },
      {
        host: '127.112.0.10',
        port: 80,
        change: 'service-changed',
        before: 'http apache_httpd 2.4.49',
        after: 'http apache_httpd 2.4.58',
      },
      { host: '127.112.0.10', port: 8080, change: 'opened', after: 'http nginx 1.25.3' },
      { host: '127.112.0.11', port: 21, change: 'closed', before: '@ftp' },
      { host: '127.112.0.12', port: 21, change: 'opened', after: 'ftp vsftpd 2.3.4' },
    ]);
    expect(diff.cves).toEqual([
      { host: '127.112.0.10', port: 22, cve: 'CVE-2016-6210', change: 'gone', severity: 'high' },
      {
        host: '127.112.0.10',
        port: 80,
        cve: 'CVE-2021-41773',
        change: 'gone',
        severity: 'critical',
      },
      { host: '127.112.0.12', port: 21, cve: 'CVE-2011-2523', change: 'new', severity: 'critical' },
    ]);
    const text = formatDiffText(diff);
    expect(text).toContain(
      '-127.112.0.10:80/tcp open http apache_httpd 2.4.49\n+127.112.0.10:80/tcp open http apache_httpd 2.4.58',
    );
    expect(text).toContain('+127.112.0.12:21 CVE-2011-2523 (critical)');
    expect(formatDiffXml(diff)).toContain(
      '<cvediff addr="127.112.0.12" portid="21" cve="CVE-2011-2523" change="new" severity="critical"/>',
    );
  });
});
