import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSpectra } from '../clients/service-clients.js';
import { unixSocketTransport } from '../main/host/ingress-transport.js';
import { CliError } from './cli-error.js';
import { connectToRunningHost, withRequestTimeout } from './host-connection.js';
import { RUNNING_HOST_VARIABLE } from './launcher/host-info-file.js';

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

describe('the host the launcher found running', () => {
  it('is used once, for its data dir only, without reading host.json again', () => {
    const dataDir = join(scratch, 'no-host-json-here');
    const info = {
      pid: process.pid,
      appVersion: '0.0.0-test',
      startedAt: new Date().toISOString(),
      ingressSocket: silentSocket,
      adminSocket: join(scratch, 'admin.sock'),
    };
    process.env[RUNNING_HOST_VARIABLE] = JSON.stringify({ dataDir: join(scratch, 'other'), info });
    expect(connectToRunningHost(dataDir)).toBeUndefined();
    expect(process.env[RUNNING_HOST_VARIABLE]).toBeUndefined();

    process.env[RUNNING_HOST_VARIABLE] = JSON.stringify({ dataDir, info });
    const connection = connectToRunningHost(dataDir);
    expect(connection).toBeDefined();
    expect(connection?.temporaryHost).toBeUndefined();
    // Taken once: with no host.json on disk, a second look finds no host.
    expect(process.env[RUNNING_HOST_VARIABLE]).toBeUndefined();
    expect(connectToRunningHost(dataDir)).toBeUndefined();
  });
});
