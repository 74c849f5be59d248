import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSpectra } from '../clients/service-clients.js';
import { unixSocketTransport } from '../main/host/ingress-transport.js';
import { CliError } from './cli-error.js';
import { withRequestTimeout } from './host-connection.js';

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
