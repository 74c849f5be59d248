import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignReport } from '../shared/campaign.js';
import { STANDARD_LAB, startLoopbackLab, type LoopbackLab } from '../../test/lab/loopback-lab.js';
import { LAB_EXPECTED_CVES } from '../../test/lab/lab-expectations.js';
import { temporaryDataDir } from '../../test/support/temporary-host.js';

/** The `spectra` command as an analyst runs it: a separate process, real host, real lab. */
const scratch = temporaryDataDir('spectra-cli-');
let lab: LoopbackLab;

function spectra(...args: string[]) {
  return execa('node', ['bin/spectra.mjs', ...args, '--data-dir', scratch.dataDir], {
    preferLocal: true,
    reject: false,
    stdin: 'ignore',
  });
}

beforeAll(async () => {
  lab = await startLoopbackLab(STANDARD_LAB, { waitForAddressMs: 10_000 });
});

afterAll(async () => {
  await lab?.close();
  scratch.remove();
});

describe('spectra CLI', () => {
  it('--dry-run prints the plan and starts nothing', async () => {
    const result = await spectra(
      'scan',
      '--targets',
      '127.10.0.0/24',
      '--ports',
      'top-100',
      '--scope',
      '127.10.0.0/16',
      '--dry-run',
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/targets: +256/);
    expect(result.stdout).toMatch(/\(100 ports\)/);
    expect(result.stdout).toContain('dry run: no packet sent');
    expect(existsSync(join(scratch.dataDir, 'restate'))).toBe(false);

    // An engine Campaigns.submit would refuse (nmap asked for, none on PATH) refuses the dry run alike.
    const withoutNmap = await execa(
      'node',
      [
        'bin/spectra.mjs',
        ...['scan', '--targets', '127.10.0.1', '--ports', '22', '--scope', '127.10.0.0/24'],
        ...['--engine', 'nmap', '--dry-run', '--data-dir', scratch.dataDir],
      ],
      { preferLocal: true, reject: false, stdin: 'ignore', env: { PATH: '/nonexistent' } },
    );
    expect(withoutNmap.exitCode).toBe(2);
    expect(withoutNmap.stderr).toContain(
      'scan refused, nothing was started:\n  engine: the nmap engine was requested but nmap is not on PATH',
    );
    expect(withoutNmap.stdout).toBe('');
  });

  it('refuses bad input with one line per offending token and exit code 2', async () => {
    const result = await spectra(
      'scan',
      '--targets',
      '127.10.0.300,-oN,8.8.8.8',
      '--ports',
      '22,70000',
      '--scope',
      '127.10.0.0/24',
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('"127.10.0.300": octet out of range');
    expect(result.stderr).toContain('"-oN": not a target');
    expect(result.stderr).toContain('"70000": port out of range');
    expect(result.stderr).toContain('nothing was started');
    const missingScope = await spectra('scan', '--targets', '127.10.0.1', '--ports', '22');
    expect(missingScope.exitCode).toBe(2);
    expect(missingScope.stderr).toMatch(/--scope is required/);
    const unknownFlag = await spectra('scan', '--targetz', 'x');
    expect(unknownFlag.exitCode).toBe(2);
    expect(unknownFlag.stderr.trim().split('\n')).toHaveLength(1);
    // As in the UI, a rejection needs a reason; refused before any host is asked.
    const silentReject = await spectra('reject', 'c-000000000000');
    expect(silentReject.exitCode).toBe(2);
    expect(silentReject.stderr.trim()).toBe(
      'spectra: reject: --note is required (say why the campaign is rejected)',
    );
  });

  it(
    'scans the lab, prints the CVEs, and the threats can be listed and triaged',
    { timeout: 180_000 },
    async () => {
      const scan = await spectra(
        'scan',
        '--targets',
        '127.10.0.1-30',
        '--ports',
        '21,22,25,80,3306,6379',
        '--scope',
        '127.10.0.0/24',
        '--engine',
        'builtin',
        '--batch',
        '10',
        '--timeout',
        '500',
        '--json',
      );
      expect(scan.exitCode).toBe(0);
      const report = JSON.parse(scan.stdout) as CampaignReport;
      expect(report.state).toBe('completed');
      const found = new Set(report.threats.map((threat) => threat.cve));
      for (const cves of Object.values(LAB_EXPECTED_CVES))
        for (const cve of cves) expect(found).toContain(cve);

      const summary = await spectra('campaign', report.campaignId);
      expect(summary.stdout).toContain(`Campaign ${report.campaignId}`);
      expect(summary.stdout).toMatch(/127\.10\.0\.11:21 ftp vsftpd 2\.3\.4 -> CVE-2011-2523/);

      const critical = await spectra('threats', '--severity', 'critical');
      expect(critical.stdout).toContain('CVE-2011-2523');
      expect(critical.stdout).not.toMatch(/ (high|medium|low) /);

      const triage = await spectra(
        'triage',
        'CVE-2011-2523',
        '--state',
        'false-positive',
        '--note',
        'lab decoy',
        '--by',
        'bob',
      );
      expect(triage.stdout).toContain('CVE-2011-2523 is now false-positive');
      const threat = await spectra('threat', 'CVE-2011-2523');
      expect(threat.stdout).toMatch(/new -> false-positive by bob: lab decoy/);

      // "Which hosts run exim?", the host itself, and threats searched by address.
      const exim = await spectra('hosts', '--search', 'exim');
      expect(exim.exitCode).toBe(0);
      expect(exim.stdout.trim().split('\n')).toHaveLength(1);
      expect(exim.stdout).toMatch(/^127\.10\.0\.13 .*25 exim 4\.87/);
      const host = await spectra('host', '127.10.0.13');
      expect(host.stdout).toMatch(/25\/tcp smtp exim 4\.87 -> CVE-/);
      expect(host.stdout).toContain('banner: 220 mail.lab.test ESMTP Exim 4.87');
      expect(host.stdout).toContain(report.campaignId);
      const network = await spectra('hosts', '--search', '127.10.0.10/31 80', '--json');
      expect(
        (JSON.parse(network.stdout) as Array<{ address: string }>).map((entry) => entry.address),
      ).toEqual(['127.10.0.10']);
      const unknownHost = await spectra('host', '127.10.0.250');
      expect(unknownHost.exitCode).toBe(1);
      expect(unknownHost.stderr.trim()).toBe('spectra: host: no campaign has seen 127.10.0.250');
      const byAddress = await spectra('threats', '--search', '127.10.0.11');
      expect(byAddress.stdout).toContain('CVE-2011-2523');
      expect(byAddress.stdout).not.toContain('CVE-2021-41773');

      const badState = await spectra('triage', 'CVE-2011-2523', '--state', 'fixed');
      expect(badState.exitCode).toBe(2);
      expect(badState.stderr).toMatch(/expected one of new, confirmed, false-positive, remediated/);
    },
  );

  it('doctor proves which Node runs the services', { timeout: 120_000 }, async () => {
    const doctor = await spectra('doctor', '--json');
    expect(doctor.exitCode).toBe(0);
    const checks = JSON.parse(doctor.stdout).checks as Array<{
      name: string;
      ok: boolean;
      detail: string;
    }>;
    const services = checks.find((check) => check.name === 'node (services)');
    expect(services?.ok).toBe(true);
    expect(services?.detail).toMatch(/^v2[2-9]\./);
  });
});
