import { CHROMIUM_LAUNCH_OPTIONS } from '../../e2e/support/browser.js';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { callOptions, connectSpectra } from '../../src/clients/service-clients.js';
import { execa } from 'execa';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_KEY, SERVICE_NAMES } from '../../src/shared/service-contracts.js';
import { dataDirLayout } from '../../src/main/host/data-dir.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { temporaryDataDir, waitFor } from '../support/temporary-host.js';

/**
 * restate-server's ingress and admin API are off TCP: only Unix sockets in
 * the owner-only data dir. A real `spectra serve`, then:
 * - `ss` shows restate-server with no TCP/UDP listener, and the host with
 *   only the services endpoint and the UI server, both on 127.0.0.1;
 * - the data dir is 0700 and nothing in it is readable by others;
 * - pages from a loopback origin and from file:// in Chromium try what a page
 *   could do to the old TCP ingress (list threats, submit a campaign, approve
 *   through Approvals/all/decide, admin SQL) against every TCP port the
 *   host's processes listen on; nothing changes server-side.
 */
let scratch: ReturnType<typeof temporaryDataDir>;
let dataDir: string;
let serve: ServeProcess;
let browser: Browser | undefined;
let attackSite: http.Server | undefined;

beforeAll(async () => {
  scratch = temporaryDataDir('spectra-exposure-');
  dataDir = join(scratch.dataDir, 'data');
  const rendererDir = join(scratch.dataDir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<html><head></head><body>ui</body></html>');
  serve = await startServeProcess(dataDir, {
    ui: true,
    extraArguments: ['--renderer-dir', rendererDir],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (attackSite ? attackSite.close(resolve) : resolve(undefined)));
  await serve?.stop();
  scratch?.remove();
});

interface Listener {
  protocol: string;
  address: string;
  port: number;
  pid: number;
}

/** Every TCP and UDP listener on the machine, with the owning pid. */
async function internetListeners(): Promise<Listener[]> {
  const { stdout } = await execa('ss', ['-Hltunp']);
  return stdout
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const columns = line.trim().split(/\s+/);
      const local = columns[4] ?? '';
      const pids = [...line.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
      const separator = local.lastIndexOf(':');
      return pids.map((pid) => ({
        protocol: columns[0] ?? '',
        address: local.slice(0, separator),
        port: Number(local.slice(separator + 1)),
        pid,
      }));
    });
}

describe('restate-server off TCP', () => {
  it('leaves restate-server with no TCP or UDP listener and the host with only endpoint and UI on loopback', async () => {
    const serverPid = serve.serverPid();
    const hostPid = serve.info.pid;
    const listeners = await internetListeners();
    expect(listeners.filter((listener) => listener.pid === serverPid)).toEqual([]);
    const hostListeners = listeners.filter((listener) => listener.pid === hostPid);
    const ports = JSON.parse(
      (await import('node:fs')).readFileSync(dataDirLayout(dataDir).portsFile, 'utf8'),
    ) as { endpoint: number };
    expect(hostListeners.map((listener) => listener.port).sort()).toEqual(
      [ports.endpoint, Number(new URL(serve.uiUrl!).port)].sort(),
    );
    for (const listener of hostListeners) expect(listener.address).toBe('127.0.0.1');

    // The Unix sockets answer, for the owner.
    const health = await serve.ingress.fetch(`${serve.ingress.url}/restate/health`);
    expect(health.status).toBe(200);
  });

  it('keeps the data dir 0700 and every file in it private (0600 or stricter)', () => {
    const layout = dataDirLayout(dataDir);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const file of [
      layout.hostLogFile,
      layout.restateLogFile,
      layout.portsFile,
      layout.hostInfoFile,
      layout.requestIdentityKeyFile,
      layout.restateConfigFile,
      layout.restatePidFile,
    ]) {
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
    // The journal, state and sockets restate-server created (umask 077).
    const exposed: string[] = [];
    const walk = (directory: string) => {
      for (const entry of readdirSync(directory, { withFileTypes: true })) {
        const path = join(directory, entry.name);
        if ((statSync(path).mode & 0o077) !== 0) exposed.push(path);
        if (entry.isDirectory()) walk(path);
      }
    };
    walk(dataDir);
    expect(exposed).toEqual([]);
  });
});

describe('foreign pages in Chromium', () => {
  it('cannot list threats, submit, approve or query from a loopback origin or file://', async () => {
    const services = connectSpectra(serve.ingress);
    const campaigns = services.campaigns();
    const waiting = await campaigns.submit(
      {
        name: 'waits for the analyst',
        targets: '127.0.0.1',
        ports: '9',
        scope: '127.0.0.1/32',
        engine: 'builtin',
        approval: 'required',
      },
      callOptions({ idempotencyKey: 'exposure-waiting' }),
    );
    const workflow = services.campaignWorkflow(waiting.campaignId);
    await waitFor(
      'the campaign to wait for approval',
      async () => (await workflow.progress())?.state === 'awaiting-approval',
    );
    const before = await services.campaignIndex().list();

    // Every TCP port the host's processes listen on is a target: the UI and the endpoint.
    const pids = new Set([serve.info.pid, serve.serverPid()]);
    const origins = (await internetListeners())
      .filter((listener) => pids.has(listener.pid) && listener.protocol === 'tcp')
      .map((listener) => `http://127.0.0.1:${listener.port}`);
    expect(origins.length).toBe(2);
    const script = attackScript(origins, waiting.campaignId);

    attackSite = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><title>attacker</title><script>${script}</script>`);
    });
    await new Promise<void>((resolve) => attackSite!.listen(0, '127.0.0.1', resolve));
    const attackFile = join(scratch.dataDir, 'attack.html');
    writeFileSync(attackFile, `<!doctype html><title>attacker</title><script>${script}</script>`);

    browser = await chromium.launch(CHROMIUM_LAUNCH_OPTIONS);
    const attackerOrigins = [
      `http://127.0.0.1:${(attackSite.address() as { port: number }).port}/`,
      `file://${attackFile}`,
    ];
    for (const attacker of attackerOrigins) {
      const page = await browser.newPage();
      await page.goto(attacker);
      await page.waitForFunction(() => (globalThis as { attacksDone?: boolean }).attacksDone);
      const results = await page.evaluate(
        () => (globalThis as unknown as { attackResults: string[] }).attackResults,
      );
      await page.close();
      // No attempt read an answer: each was blocked, opaque, or refused.
      for (const result of results) expect(result, attacker).toMatch(/blocked|opaque|: 4\d\d$/);
    }

    // Server side: nothing was submitted and the campaign still waits for the analyst.
    const after = await services.campaignIndex().list();
    expect(after.map((listing) => listing.campaignId)).toEqual(
      before.map((listing) => listing.campaignId),
    );
    expect((await workflow.progress())?.state).toBe('awaiting-approval');
    const pending = await services.approvals().list();
    expect(pending.map((approval) => approval.campaignId)).toContain(waiting.campaignId);
  });
});

/** The attempts a hostile page makes against each origin; fills `attackResults`. */
function attackScript(origins: string[], campaignId: string): string {
  const submit = JSON.stringify({
    name: 'forged',
    targets: '127.64.0.0/10',
    ports: '1-1000',
    scope: '0.0.0.0/0',
  });
  const decide = JSON.stringify({
    id: campaignId,
    verdict: 'approve',
    note: 'approved by attacker',
    by: 'attacker',
  });
  return `
    const origins = ${JSON.stringify(origins)};
    const attempts = [];
    const record = (name, run) => attempts.push(run().then(
      (answer) => name + ': ' + (answer.type === 'opaque' ? 'opaque' : answer.status),
      (error) => name + ': blocked (' + error.message + ')'));
    for (const origin of origins) {
      for (const prefix of ['/ingress', '']) {
        const base = origin + prefix;
        record(base + ' list threats', () => fetch(base + '/${SERVICE_NAMES.threatIndex}/${INDEX_KEY}/list', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
        record(base + ' list threats (no-cors)', () => fetch(base + '/${SERVICE_NAMES.threatIndex}/${INDEX_KEY}/list', { method: 'POST', mode: 'no-cors', body: '{}' }));
        record(base + ' submit', () => fetch(base + '/${SERVICE_NAMES.campaigns}/submit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(submit)} }));
        record(base + ' submit (no-cors)', () => fetch(base + '/${SERVICE_NAMES.campaigns}/submit', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(submit)} }));
        record(base + ' approve', () => fetch(base + '/${SERVICE_NAMES.approvals}/${INDEX_KEY}/decide', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'evil' }, body: ${JSON.stringify(decide)} }));
        record(base + ' approve (no-cors)', () => fetch(base + '/${SERVICE_NAMES.approvals}/${INDEX_KEY}/decide', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(decide)} }));
        record(base + ' admin sql (no-cors)', () => fetch(base + '/query', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"query":"SELECT * FROM state"}' }));
        record(base + ' health', () => fetch(base + '/restate/health'));
      }
    }
    Promise.all(attempts).then((results) => { window.attackResults = results; window.attacksDone = true; });
  `;
}
