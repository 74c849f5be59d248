import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { FINDING_SCHEMA_VERSION, FindingRow } from '../../shared/interop.js';
import { exportCampaign, exportThreats } from './campaign-export.js';
import { CSV_COLUMNS, csvCell } from './csv-export.js';
import { sampleRecords, sampleReport } from './export-fixtures.js';
import { campaignFindingRows, cvssVersionOf } from './finding-rows.js';

const context = { generatedAt: '2026-11-30T11:00:00.000Z', toolVersion: '0.1.0' };
const directory = mkdtempSync(join(tmpdir(), 'spectra-exports-'));
const exported = (format: Parameters<typeof exportCampaign>[0]) =>
  exportCampaign(format, sampleReport(), sampleRecords(), context);

describe('a campaign with a CVE on every host of a /16 (130,000 services)', () => {
  const SERVICES = 130_000;
  const address = (index: number) => `127.73.${index >> 8}.${index & 255}`;
  const wide = () => {
    const report = sampleReport();
    const threat = report.threats[0]!;
    threat.affected = Array.from({ length: SERVICES }, (_, index) => ({
      host: address(index >> 1),
      port: index & 1 ? 443 : 80,
      version: '2.4.49',
    }));
    const records = sampleRecords();
    const record = records.find((entry) => entry.cve === threat.cve)!;
    const template = record.affected[0]!;
    record.affected = threat.affected.map((service, index) => ({
      ...template,
      host: service.host,
      port: service.port,
      firstSeen: `2026-11-01T00:00:${String(index % 60).padStart(2, '0')}.000Z`,
    }));
    return { report, records };
  };

  it('joins every service to its threat record entry', () => {
    const { report, records } = wide();
    const rows = campaignFindingRows(report, records);
    expect(rows).toHaveLength(SERVICES + 1);
    const last = rows.find((row) => row.host === address((SERVICES - 1) >> 1) && row.port === 443)!;
    expect(last.firstSeen).toBe(`2026-11-01T00:00:${String((SERVICES - 1) % 60)}.000Z`);
  });

  it('renders the HTML report (rows as arrays, not as one call’s arguments)', () => {
    const { report, records } = wide();
    const html = exportCampaign('html', report, records, context);
    expect(html.match(/<tr>/g)?.length).toBeGreaterThan(SERVICES);
    expect(html).toContain(`${address((SERVICES - 1) >> 1)}:443`);
  });
});

describe('finding rows', () => {
  it('joins report, port and threat record: vector, CVSS version, triage, first/last seen, EPSS, KEV', () => {
    const rows = campaignFindingRows(sampleReport(), sampleRecords());
    expect(rows.map((row) => FindingRow.parse(row))).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      cve: 'CVE-2021-41773',
      host: '127.112.0.10',
      hostname: 'web.lab.test',
      port: 80,
      service: 'http',
      product: 'apache_httpd',
      version: '2.4.49',
      cvssVersion: '3.1',
      cvssScore: 9.8,
      severity: 'critical',
      epss: 0.944,
      kev: true,
      triageState: 'confirmed',
      firstSeen: '2026-11-01T00:00:00.000Z',
    });
    expect(rows[1]).toMatchObject({
      cve: 'CVE-2016-6210',
      cvssVersion: '2.0',
      cpe: 'cpe:2.3:a:openbsd:openssh:7.2:p2:*:*:*:*:*:*',
    });
    expect(rows[0]!.cpe).toBeUndefined();
    expect(rows[1]!.epss).toBeUndefined();
    expect(rows[1]!.kev).toBeUndefined();
  });

  it('reads CVSS versions 2, 3.x and 4 from their vectors', () => {
    expect(cvssVersionOf('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBe(
      '4.0',
    );
    expect(cvssVersionOf('CVSS:3.0/AV:N')).toBe('3.0');
    expect(cvssVersionOf('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toBe('2.0');
    expect(cvssVersionOf('')).toBeUndefined();
  });
});

describe('csv export, read back by csv-parse', () => {
  it('has one row per finding with every column, formula cells neutralised', () => {
    const records = parse(exported('csv'), { columns: true, bom: false }) as Record<
      string,
      string
    >[];
    expect(Object.keys(records[0]!)).toEqual([...CSV_COLUMNS]);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      host: '127.112.0.10',
      port: '80',
      cve: 'CVE-2021-41773',
      cvss_version: '3.1',
      cvss_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      cvss_score: '9.8',
      severity: 'critical',
      epss: '0.944',
      kev: 'yes',
      triage_state: 'confirmed',
      first_seen: '2026-11-01T00:00:00.000Z',
      summary: `'=cmd|" /C calc"!A0 path traversal`,
    });
    expect(records[1]).toMatchObject({ epss: '', kev: '' });
    for (const record of records)
      for (const cell of Object.values(record)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('neutralises = + - @ tab and CR at the start of any cell', () => {
    for (const hostile of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      expect((parse(csvCell(hostile)) as string[][])[0]![0]).toBe(`'${hostile}`);
    expect((parse(csvCell('a "quoted", cell')) as string[][])[0]![0]).toBe('a "quoted", cell');
  });
});

describe('jsonl export', () => {
  it('has one finding per line, each with the schema version', () => {
    const lines = exported('jsonl').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const value = JSON.parse(line) as { schemaVersion: number };
      expect(value.schemaVersion).toBe(FINDING_SCHEMA_VERSION);
      expect(() => FindingRow.parse(value)).not.toThrow();
    }
  });
});

describe('defectdojo export', () => {
  it("is DefectDojo's Generic Findings Import shape", () => {
    const document = JSON.parse(exported('defectdojo')) as { findings: Record<string, unknown>[] };
    expect(document.findings).toHaveLength(2);
    expect(document.findings[0]).toMatchObject({
      severity: 'Critical',
      vulnerability_ids: [{ vulnerability_id: 'CVE-2021-41773' }],
      cvssv3: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      cvssv3_score: 9.8,
      epss_score: 0.944,
      known_exploited: true,
      verified: true,
      active: true,
      endpoints: [{ host: '127.112.0.10', port: 80, protocol: 'http' }],
    });
    for (const finding of document.findings) {
      expect(typeof finding.title).toBe('string');
      expect(typeof finding.description).toBe('string');
    }
  });
});

describe('sarif export', () => {
  it('is SARIF 2.1.0 with one rule per CVE and results on tcp:// URIs', () => {
    const sarif = JSON.parse(exported('sarif')) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string }> } };
        results: Array<Record<string, unknown>>;
      }>;
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.tool.driver.rules.map((rule) => rule.id)).toEqual([
      'CVE-2021-41773',
      'CVE-2016-6210',
    ]);
    expect(sarif.runs[0]!.results[0]).toMatchObject({
      ruleId: 'CVE-2021-41773',
      ruleIndex: 0,
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'tcp://127.112.0.10:80' } } }],
    });
  });
});

describe('threat list exports', () => {
  it('write one row per affected service of every record', () => {
    const csv = parse(exportThreats('csv', sampleRecords(), context), {
      columns: true,
    }) as unknown[];
    expect(csv).toHaveLength(2);
    expect(exportThreats('jsonl', sampleRecords(), context).trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('xml export, checked by xmllint against nmap.dtd', () => {
  it('is valid against /usr/share/nmap/nmap.dtd, hostile banners included', () => {
    const xml = exported('xml');
    const file = join(directory, 'campaign.xml');
    writeFileSync(file, xml);
    const result = spawnSync(
      'xmllint',
      ['--noout', '--dtdvalid', '/usr/share/nmap/nmap.dtd', file],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(xml).toContain(
      '<service name="http" product="Apache httpd" version="2.4.49" method="probed" conf="10"><cpe>cpe:/a:apache:http_server:2.4.49</cpe></service>',
    );
    // The CPE the engine observed, bound back to the 2.2 URI nmap writes.
    expect(xml).toContain('<cpe>cpe:/a:openbsd:openssh:7.2:p2</cpe>');
    expect(xml).toContain('<hostname name="web.lab.test" type="user"/>');
  });

  it('refuses nothing xmllint would: an invalid document is caught (the check can fail)', () => {
    const file = join(directory, 'broken.xml');
    writeFileSync(file, exported('xml').replace('<status state="up"', '<status state="sideways"'));
    const result = spawnSync(
      'xmllint',
      ['--noout', '--dtdvalid', '/usr/share/nmap/nmap.dtd', file],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('sideways');
  });

  it('is read by ndiff (compared with itself: exit 0, no differences)', () => {
    const file = join(directory, 'self.xml');
    writeFileSync(file, exported('xml'));
    expect(execFileSync('ndiff', [file, file], { encoding: 'utf8' })).not.toMatch(/^[-+]/m);
  });
});
