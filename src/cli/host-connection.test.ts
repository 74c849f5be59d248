import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOptions, connectSpectra } from '../clients/service-clients.js';
import { dataDirLayout, ensureDataDir, writeJsonFileAtomically } from '../main/host/data-dir.js';
import { unixSocketTransport } from '../main/host/ingress-transport.js';
import { CliError } from './cli-error.js';
import {
  connectToRunningHost,
  HostDidNotAnswer,
  waitForAnswer,
  withRequestTimeout,
} from './host-connection.js';

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

describe('waitForAnswer', () => {
  /** An ingress that holds the first `held` requests open, then answers, as for a long import. */
  async function slowIngress(held: number) {
    const socket = join(scratch, `slow-${held}.sock`);
    const keys: Array<string | undefined> = [];
    const open: http.ServerResponse[] = [];
    const server = http.createServer((request, response) => {
      keys.push(request.headers['idempotency-key'] as string | undefined);
      if (keys.length <= held) open.push(response);
      else
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ campaignId: 'imp-1' }));
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    const close = async () => {
      for (const response of open) response.destroy();
      await new Promise((resolve) => server.close(resolve));
    };
    return { socket, keys, close };
  }

  it('calls again past each request timeout, with the same idempotency key, until the host answers', async () => {
    const ingress = await slowIngress(2);
    try {
      const services = connectSpectra(withRequestTimeout(unixSocketTransport(ingress.socket), 200));
      const answer = await waitForAnswer(
        () =>
          services
            .imports()
            .nmapXml({ xml: '<nmaprun/>' }, callOptions({ idempotencyKey: 'import-1' })),
        10_000,
      );
      expect(answer).toEqual({ campaignId: 'imp-1' });
      expect(ingress.keys).toEqual(['import-1', 'import-1', 'import-1']);
    } finally {
      await ingress.close();
    }
  });

  it('gives up with HostDidNotAnswer once its wait is over', async () => {
    const ingress = await slowIngress(100);
    try {
      const services = connectSpectra(withRequestTimeout(unixSocketTransport(ingress.socket), 200));
      const started = Date.now();
      const failure = await waitForAnswer(
        () => services.imports().nmapXml({ xml: '<nmaprun/>' }),
        500,
      ).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(HostDidNotAnswer);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(ingress.keys.length).toBeGreaterThanOrEqual(2);
    } finally {
      await ingress.close();
    }
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
