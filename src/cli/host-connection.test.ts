import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSpectra } from '../clients/service-clients.js';
import { dataDirLayout, ensureDataDir, writeJsonFileAtomically } from '../main/host/data-dir.js';
import { unixSocketTransport } from '../main/host/ingress-transport.js';
import { CliError } from './cli-error.js';
import { connectToRunningHost, withRequestTimeout } from './host-connection.js';

/** A host whose server accepts connections but never answers (restate-server with writes disabled). */
let scratch: string;
let silent: net.Server;
let silentSocket: string;
const held: net.Socket[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'spectra-timeout-'));
  silentSocket = join(scratch, 'ingress.sock');
  silent = net.createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(silentSocket, resolve));
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe('CLI requests to the host', () => {
  it('end after the timeout with one line saying what to check', async () => {
    const services = connectSpectra(withRequestTimeout(unixSocketTransport(silentSocket), 300));
    const started = Date.now();
    const failure = await Promise.resolve(services.campaignIndex().list()).catch(
      (error: unknown) => error,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as Error).message).toBe(
      'the host did not answer within 0.3 s (is its data dir full or read-only? run spectra doctor)',
    );
  });

  it('say in one line when nothing listens on the socket', async () => {
    const transport = withRequestTimeout(unixSocketTransport(join(scratch, 'gone.sock')), 2_000);
    const failure = await transport
      .fetch(`${transport.url}/restate/health`)
      .catch((error) => error);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as Error).message).toMatch(/^cannot reach the host: /);
  });
});

describe('connectToRunningHost', () => {
  it('connects to the host host.json names while its process runs, and to none otherwise', () => {
    const dataDir = join(scratch, 'with-host-json');
    const layout = dataDirLayout(dataDir);
    ensureDataDir(layout);
    expect(connectToRunningHost(dataDir)).toBeUndefined();

    const info = {
      pid: process.pid,
      appVersion: '0.0.0-test',
      startedAt: new Date().toISOString(),
      ingressSocket: silentSocket,
      adminSocket: join(scratch, 'admin.sock'),
    };
    writeJsonFileAtomically(layout.hostInfoFile, info);
    const connection = connectToRunningHost(dataDir);
    expect(connection).toBeDefined();
    expect(connection?.temporaryHost).toBeUndefined();

    // A pid that is no process (beyond Linux's pid_max): no host.
    writeJsonFileAtomically(layout.hostInfoFile, { ...info, pid: 2 ** 22 + 1 });
    expect(connectToRunningHost(dataDir)).toBeUndefined();
  });
});
