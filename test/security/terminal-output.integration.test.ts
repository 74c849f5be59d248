import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { temporaryDataDir } from '../support/temporary-host.js';

/**
 * Terminal escapes in campaign names, triage notes, service banners and feed
 * descriptions must reach the analyst's terminal as visible text, never as
 * control sequences: the real `spectra` CLI runs as a separate process
 * against a real host, and its whole output is checked byte by byte.
 */
const HOSTILE = '\u001b]0;pwned\u0007\r\u001b[2J\u001b[H\u009b31m!';
const VISIBLE = '\\x1b]0;pwned\\x07\\r\\x1b[2J\\x1b[H\\x9b31m!';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const SERVICE_ADDRESS = '127.77.0.10';
const FIXTURE = join(
  import.meta.dirname,
  '../../src/services/vulnerabilities/fixtures/nvd-feed-valid.json',
);

let scratch: ReturnType<typeof temporaryDataDir>;
let dataDir: string;
let serve: ServeProcess;
let service: net.Server;
let servicePort: number;

function spectra(...args: string[]) {
  return execa('node', ['bin/spectra.mjs', ...args, '--data-dir', dataDir], {
    preferLocal: true,
    reject: false,
    timeout: 120_000,
  });
}

/** Every byte the command printed, stdout and stderr alike, is free of raw control characters. */
function expectNoRawControls(output: { stdout: string; stderr: string }, what: string) {
  expect(RAW_CONTROL.test(output.stdout), `${what} stdout: ${JSON.stringify(output.stdout)}`).toBe(
    false,
  );
  expect(RAW_CONTROL.test(output.stderr), `${what} stderr: ${JSON.stringify(output.stderr)}`).toBe(
    false,
  );
}

beforeAll(async () => {
  scratch = temporaryDataDir('spectra-terminal-');
  dataDir = join(scratch.dataDir, 'data');
  // A feed whose description carries the escapes (OpenSSH 8.5-9.8 regreSSHion).
  const feed = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
    vulnerabilities: Array<{ cve: { id: string; descriptions: Array<{ value: string }> } }>;
  };
  const regresshion = feed.vulnerabilities.find((entry) => entry.cve.id === 'CVE-2024-6387')!;
  regresshion.cve.descriptions[0]!.value = `regreSSHion ${HOSTILE} race condition`;
  feed.vulnerabilities = [regresshion];
  const feedFile = join(scratch.dataDir, 'hostile-feed.json');
  writeFileSync(feedFile, JSON.stringify(feed));
  const imported = await spectra('feeds', 'import', feedFile, '--name', 'hostile');
  expect(imported.exitCode, imported.stderr).toBe(0);

  // A service whose banner carries the escapes after a version the matcher knows.
  service = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(`SSH-2.0-OpenSSH_9.6p1 ${HOSTILE}\r\n`);
  });
  await new Promise<void>((resolve) => service.listen(0, SERVICE_ADDRESS, resolve));
  servicePort = (service.address() as net.AddressInfo).port;

  serve = await startServeProcess(dataDir);
});

afterAll(async () => {
  await serve?.stop();
  await new Promise((resolve) => service?.close(resolve));
  scratch?.remove();
});

describe('spectra output with hostile text', () => {
  it('escapes names, notes, banners and feed descriptions in every human-readable command', async () => {
    const scan = await spectra(
      'scan',
      '--targets',
      SERVICE_ADDRESS,
      '--ports',
      String(servicePort),
      '--scope',
      `${SERVICE_ADDRESS}/32`,
      '--engine',
      'builtin',
      '--name',
      `lab ${HOSTILE}`,
    );
    expectNoRawControls(scan, 'scan');
    expect(scan.exitCode, scan.stderr).toBe(0);
    expect(scan.stdout).toContain(VISIBLE);
    expect(scan.stdout).toContain('CVE-2024-6387');
    const campaignId = /Campaign (\S+) /.exec(scan.stdout)![1]!;

    const triage = await spectra(
      'triage',
      'CVE-2024-6387',
      '--state',
      'confirmed',
      '--note',
      `seen ${HOSTILE}`,
      '--by',
      `mallory${HOSTILE}`,
    );
    expect(triage.exitCode, triage.stderr).toBe(0);

    const waiting = await spectra(
      'scan',
      '--targets',
      SERVICE_ADDRESS,
      '--ports',
      String(servicePort),
      '--scope',
      `${SERVICE_ADDRESS}/32`,
      '--approval',
      'required',
      '--detach',
      '--name',
      `needs approval ${HOSTILE}`,
    );
    expect(waiting.exitCode, waiting.stderr).toBe(0);

    const outputs = {
      campaigns: await spectra('campaigns'),
      campaign: await spectra('campaign', campaignId),
      threats: await spectra('threats'),
      threat: await spectra('threat', 'CVE-2024-6387'),
      approvals: await spectra('approvals'),
    };
    for (const [what, output] of Object.entries(outputs)) {
      expect(output.exitCode, `${what}: ${output.stderr}`).toBe(0);
      expectNoRawControls(output, what);
    }
    expect(outputs.campaigns.stdout).toContain(`lab ${VISIBLE}`);
    expect(outputs.campaign.stdout).toContain(`lab ${VISIBLE}`);
    // The feed import folds whitespace (the CR) into a space; the rest arrives escaped.
    expect(outputs.threats.stdout).toContain('regreSSHion \\x1b]0;pwned\\x07 \\x1b[2J');
    expect(outputs.threat.stdout).toContain('regreSSHion \\x1b]0;pwned\\x07 \\x1b[2J');
    expect(outputs.threat.stdout).toContain(`seen ${VISIBLE}`);
    expect(outputs.threat.stdout).toContain(`mallory${VISIBLE}`);
    expect(outputs.approvals.stdout).toContain(`needs approval ${VISIBLE}`);

    // JSON stays JSON: the same text, escaped by JSON itself, parses back exactly.
    const json = await spectra('threat', 'CVE-2024-6387', '--json');
    expectNoRawControls(json, 'threat --json');
    const record = JSON.parse(json.stdout) as { summary: string };
    expect(record.summary).toContain('\u001b]0;pwned\u0007');
  });

  it('escapes hostile text in error messages too', async () => {
    const refused = await spectra('threat', `CVE-2024-${HOSTILE}`);
    expect(refused.exitCode).not.toBe(0);
    expectNoRawControls(refused, 'error');
  });
});
