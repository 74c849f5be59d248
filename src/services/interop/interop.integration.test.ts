import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import type { CampaignReport } from '../../shared/campaign.js';
import { HostRecord } from '../../shared/host-inventory.js';
import { CampaignDiff, NmapImportResult } from '../../shared/interop.js';
import { runCampaign } from '../../../test/support/campaign-client.js';
import { startTemporaryAppHost } from '../../../test/support/temporary-host.js';
import {
  STANDARD_LAB,
  startLoopbackLab,
  type LoopbackLab,
} from '../../../test/lab/loopback-lab.js';
import { findNmap } from '../engines/nmap-engine.js';

/**
 * Results in and out with real parts: a real host (restate-server), the
 * loopback lab relocated to 127.112.0.0/24 (other suites hold the standard
 * lab's addresses), real nmap runs, the `spectra` CLI as separate processes,
 * and the real consumers: xmllint with nmap.dtd, Debian's ndiff, csv-parse.
 */
const PREFIX = '127.112.0';
const TARGETS = `${PREFIX}.10-21`; // .21 has no services: up (refuses), no open port
// More than 25 closed ports per host, so nmap writes them as <extraports> counts as the export does.
const PORTS = '1-100,443,3306,6379';
const nmapPath = await findNmap();
const scratch = mkdtempSync(join(tmpdir(), 'spectra-interop-'));
let lab: LoopbackLab;
let host: Awaited<ReturnType<typeof startTemporaryAppHost>>;
let services: SpectraClients;
let campaignA: CampaignReport;

function spectra(args: string[], input?: string) {
  return execa('node', ['bin/spectra.mjs', ...args, '--data-dir', host.dataDir], {
    preferLocal: true,
    reject: false,
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
  });
}

/** Asynchronous: the lab answers from this process's event loop, which a synchronous spawn would block. */
async function nmap(args: string[], output: string): Promise<string> {
  const result = await execa(nmapPath!, [...args, '-oX', output], {
    reject: false,
    stdin: 'ignore',
  });
  expect(result.exitCode, result.stderr).toBe(0);
  return readFileSync(output, 'utf8');
}

const listCampaigns = () => services.campaignIndex().list();
const threat = (cve: string) => services.threatIntel(cve).get();
const report = (campaignId: string) => services.campaignReport(campaignId);

beforeAll(async () => {
  lab = await startLoopbackLab(
    {
      name: 'standard at 127.112.0.0/24',
      services: STANDARD_LAB.services.map((service) => ({
        ...service,
        host: `${PREFIX}.${service.host.split('.')[3]}`,
      })),
    },
    { waitForAddressMs: 10_000 },
  );
  host = await startTemporaryAppHost();
  services = connectSpectra(host.ingress);
  ({ report: campaignA } = await runCampaign(host.ingress, {
    name: 'lab baseline',
    targets: TARGETS,
    ports: PORTS,
    scope: `${PREFIX}.0/24`,
    engine: 'builtin',
  }));
}, 150_000);

afterAll(async () => {
  await lab?.close();
  await host?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(nmapPath === undefined)('exports read by real consumers', () => {
  it('xml: xmllint validates it against nmap.dtd; ndiff against nmap -sT of the same lab shows no host, port or state difference', async () => {
    const exported = join(scratch, 'campaign.xml');
    const result = await spectra([
      'export',
      campaignA.campaignId,
      '--format',
      'xml',
      '--output',
      exported,
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const xmllint = spawnSync(
      'xmllint',
      ['--noout', '--dtdvalid', '/usr/share/nmap/nmap.dtd', exported],
      {
        encoding: 'utf8',
      },
    );
    expect(xmllint.stderr).toBe('');
    expect(xmllint.status).toBe(0);

    const nmapXml = join(scratch, 'nmap.xml');
    await nmap(['-sT', '-n', '-Pn', '-p', PORTS, TARGETS], nmapXml);
    const ndiff = spawnSync('ndiff', [nmapXml, exported], { encoding: 'utf8' });
    // 1: different, because our export names products and versions nmap -sT does not probe.
    expect([0, 1]).toContain(ndiff.status);
    const changed = ndiff.stdout.split('\n').filter((line) => /^[-+]/.test(line));
    // Lines ndiff prints: the header pair, and for each open port the VERSION column.
    expect(
      changed.filter((line) => /Host is|Not shown|^[-+]\d+\.\d+\.\d+\.\d+/.test(line)),
    ).toEqual([]);
    const rows = changed.filter((line) => /^[-+]\d+\/tcp/.test(line));
    const before = rows
      .filter((line) => line.startsWith('-'))
      .map((line) => line.slice(1).split(/\s+/).slice(0, 3).join(' '));
    const after = rows
      .filter((line) => line.startsWith('+'))
      .map((line) => line.slice(1).split(/\s+/).slice(0, 3).join(' '));
    // Same ports, same states, same service names on both sides.
    expect(after).toEqual(before);
    expect(before.length).toBe(campaignA.totals.openPorts);
    expect(before.every((row) => / open /.test(row))).toBe(true);
    expect(ndiff.stdout).toContain('Nmap 7.93 scan initiated');
  });

  it('csv: csv-parse reads one row per finding; html and jsonl are written; threats --format exports the threat list', async () => {
    const csv = await spectra(['export', campaignA.campaignId, '--format', 'csv']);
    expect(csv.exitCode, csv.stderr).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    const findings = campaignA.threats.reduce((sum, entry) => sum + entry.affected.length, 0);
    expect(findings).toBeGreaterThan(10);
    expect(rows).toHaveLength(findings);
    const apache = rows.find((row) => row.cve === 'CVE-2021-41773' && row.host === `${PREFIX}.10`)!;
    expect(apache).toMatchObject({
      port: '80',
      service: 'http',
      product: 'apache_httpd',
      version: '2.4.49',
      cvss_version: '3.1',
      severity: campaignA.threats.find((entry) => entry.cve === 'CVE-2021-41773')!.severity,
      triage_state: 'new',
    });
    expect(apache.first_seen).toMatch(/^20\d\d-/);

    const html = join(scratch, 'report.html');
    expect(
      (await spectra(['export', campaignA.campaignId, '--format', 'html', '-o', html])).exitCode,
    ).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('CVE-2021-41773');

    const threats = await spectra(['threats', '--format', 'jsonl', '--severity', 'critical']);
    expect(threats.exitCode, threats.stderr).toBe(0);
    const lines = threats.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { schemaVersion: number; severity: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.schemaVersion === 1 && line.severity === 'critical')).toBe(
      true,
    );

    const refused = await spectra(['export', campaignA.campaignId, '--format', 'pdf']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/--format "pdf" is not supported: expected one of xml, csv/);
  });
});

describe.skipIf(nmapPath === undefined)('import of a real nmap -sV file', () => {
  it('makes a campaign with the scan time, command line and nmap version in its audit trail, matched like a scan; a second import adds nothing', async () => {
    const file = join(scratch, 'lab-sV.xml');
    await nmap(['-sT', '-sV', '-n', '-Pn', '-p', '21,22,80', `${PREFIX}.10-12`], file);
    const before = await threat('CVE-2011-2523');

    const first = await spectra(['import', 'nmap', file, '--name', 'from nmap', '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    const imported = NmapImportResult.parse(JSON.parse(first.stdout));
    expect(imported).toMatchObject({
      alreadyImported: false,
      scanner: 'nmap 7.93',
      hosts: 3,
      hostsUp: 3,
      openPorts: 4,
    });
    expect(imported.findings).toBeGreaterThan(5);

    const campaign = (await report(imported.campaignId))!;
    expect(campaign).toMatchObject({
      source: 'import',
      state: 'completed',
      name: 'from nmap',
      complete: true,
    });
    const audit = campaign.audit.map((entry) => `${entry.event}: ${entry.detail}`).join('\n');
    expect(audit).toContain('scanner: nmap 7.93');
    expect(audit).toMatch(
      /scan command line: \S*nmap -sT -sV -n -Pn -p 21,22,80 -oX \S+lab-sV.xml 127.112.0.10-12/,
    );
    expect(audit).toMatch(/scan time: 20\d\d-.* to 20\d\d-/);
    expect(campaign.hosts.map((entry) => entry.host)).toEqual([
      `${PREFIX}.10`,
      `${PREFIX}.11`,
      `${PREFIX}.12`,
    ]);
    expect(
      (await listCampaigns()).find((entry) => entry.campaignId === imported.campaignId),
    ).toMatchObject({ source: 'import' });

    // vsftpd 2.3.4's backdoor: the same ThreatIntel record a scan writes, with the import's
    // sighting, there as soon as the import returns (no waiting).
    const vsftpd = (await threat('CVE-2011-2523'))!;
    const importedSighting = vsftpd.updates.find(
      (update) => update.campaignId === imported.campaignId,
    );
    expect(importedSighting).toBeDefined();

    // The host inventory (Hosts page, `spectra host`) learned the imported host as a scan's.
    const shown = await spectra(['host', importedSighting!.host, '--json']);
    expect(shown.exitCode, shown.stderr).toBe(0);
    const inventory = HostRecord.parse(JSON.parse(shown.stdout));
    expect(inventory.campaigns.map((entry) => entry.campaignId)).toContain(imported.campaignId);
    expect(
      inventory.ports
        .find((port) => port.port === importedSighting!.port)
        ?.cves.map((cve) => cve.cve),
    ).toContain('CVE-2011-2523');
    const sightings = vsftpd.totalSightings;
    expect(sightings).toBe((before?.totalSightings ?? 0) + 1);

    const again = await spectra(['import', 'nmap', '-'], readFileSync(file, 'utf8'));
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${imported.campaignId}: already imported`);
    expect((await threat('CVE-2011-2523'))!.totalSightings).toBe(sightings);
    expect(
      (await listCampaigns()).filter((entry) => entry.campaignId === imported.campaignId),
    ).toHaveLength(1);

    // Exports work on imports too: nmap XML of the import, valid against nmap.dtd.
    const exported = join(scratch, 'import-export.xml');
    expect(
      (await spectra(['export', imported.campaignId, '--format', 'xml', '-o', exported])).exitCode,
    ).toBe(0);
    expect(
      spawnSync('xmllint', ['--noout', '--dtdvalid', '/usr/share/nmap/nmap.dtd', exported]).status,
    ).toBe(0);
  });

  it('refuses a truncated or entity-declaring file whole: exit 1, line and element named, no campaign, no threat change', async () => {
    const file = join(scratch, 'lab-sV.xml');
    const xml = readFileSync(file, 'utf8');
    const campaignsBefore = (await listCampaigns()).length;
    const truncated = join(scratch, 'truncated.xml');
    writeFileSync(truncated, xml.slice(0, xml.indexOf('</host>') + 7));
    const result = await spectra(['import', 'nmap', truncated]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^spectra: import: truncated\.xml: line \d+, column \d+: <nmaprun>: unclosed tag: nmaprun \(the file is truncated\) \(nothing was imported\)$/,
    );

    const bomb = join(scratch, 'laughs.xml');
    writeFileSync(
      bomb,
      `<?xml version="1.0"?><!DOCTYPE nmaprun [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${xml.slice(xml.indexOf('<nmaprun'))}`,
    );
    const refused = await spectra(['import', 'nmap', bomb]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('DOCTYPE declares entities');

    // The service refuses it too when called directly (the CLI's check is only a shortcut).
    await expect(services.imports().nmapXml({ xml: xml.slice(0, 500) })).rejects.toThrow(
      /line \d+, column \d+: <nmaprun>: unexpected end\. \(the file is truncated\) \(nothing was imported\)/,
    );
    expect((await listCampaigns()).length).toBe(campaignsBefore);
  });
});

describe('diff of two real campaigns', () => {
  it('exits 0 for the same campaign, 1 when the lab changed (new host, new ports, new CVEs), 2 for an unknown id', async () => {
    const same = await spectra(['diff', campaignA.campaignId, campaignA.campaignId]);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stdout).toContain('No differences.');

    // The lab grows a host: vsftpd 2.3.4 and Apache 2.4.49 on 127.112.0.21.
    const extra = await startLoopbackLab({
      name: 'extra',
      services: STANDARD_LAB.services
        .filter(
          (service) =>
            service.host === '127.10.0.11' ||
            (service.host === '127.10.0.10' && service.port === 80),
        )
        .map((service) => ({ ...service, host: `${PREFIX}.21` })),
    });
    let campaignB: CampaignReport;
    try {
      ({ report: campaignB } = await runCampaign(host.ingress, {
        name: 'lab next week',
        targets: TARGETS,
        ports: PORTS,
        scope: `${PREFIX}.0/24`,
        engine: 'builtin',
      }));
    } finally {
      await extra.close();
    }
    const changed = await spectra(['diff', campaignA.campaignId, campaignB.campaignId, '--json']);
    expect(changed.exitCode, changed.stderr).toBe(1);
    const diff = CampaignDiff.parse(JSON.parse(changed.stdout));
    expect(diff.hostsUp).toEqual([]); // .21 refused connections before: it was already up
    expect(diff.ports).toEqual([
      { host: `${PREFIX}.21`, port: 21, change: 'opened', after: 'ftp vsftpd 2.3.4' },
      { host: `${PREFIX}.21`, port: 80, change: 'opened', after: 'http apache_httpd 2.4.49' },
    ]);
    expect(
      diff.cves.every((change) => change.change === 'new' && change.host === `${PREFIX}.21`),
    ).toBe(true);
    expect(diff.cves.map((change) => change.cve)).toContain('CVE-2011-2523');

    const xml = await spectra(['diff', campaignA.campaignId, campaignB.campaignId, '--xml']);
    expect(xml.exitCode).toBe(1);
    expect(xml.stdout).toContain(
      `<portdiff addr="${PREFIX}.21" portid="21" protocol="tcp" change="opened"`,
    );

    const unknown = await spectra(['diff', campaignA.campaignId, 'no-such-campaign']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe('spectra: no campaign "no-such-campaign" (see spectra campaigns)');
  });
});
