import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostInfo } from './data-dir.js';
import { restateTransports } from './ingress-transport.js';
import { RestateAdminClient } from './restate-admin-client.js';

// Real servers: one on a Unix socket (the host's own restate-server), one on
// a loopback TCP port (a cluster's ingress/admin). Each answers with its name.
let scratch: string;
let socketServer: http.Server;
let tcpServer: http.Server;
let socketPath: string;
let tcpUrl: string;

function namedServer(name: string): http.Server {
  return http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ server: name, path: request.url, rows: [{ server: name }] }));
  });
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'spectra-transport-'));
  socketPath = join(scratch, 'admin.sock');
  socketServer = namedServer('socket');
  await new Promise<void>((resolve) => socketServer.listen(socketPath, resolve));
  tcpServer = namedServer('tcp');
  await new Promise<void>((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
  tcpUrl = `http://127.0.0.1:${(tcpServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => socketServer.close(resolve));
  await new Promise((resolve) => tcpServer.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe('restateTransports', () => {
  it('reaches a local host over its Unix sockets and prints the socket paths', async () => {
    const transports = restateTransports({ ingressSocket: socketPath, adminSocket: socketPath });
    const answer = await transports.ingress.fetch(`${transports.ingress.url}/restate/health`);
    expect(await answer.json()).toMatchObject({ server: 'socket', path: '/restate/health' });
    expect(transports.ingressAddress).toBe(`${socketPath} (Unix socket, owner only)`);
    const admin = new RestateAdminClient(transports.admin, socketPath);
    expect(await admin.query('SELECT 1')).toEqual([{ server: 'socket' }]);
  });

  it('reaches a cluster at its URLs (trailing slashes dropped) and prints them', async () => {
    const transports = restateTransports({ ingressUrl: `${tcpUrl}/`, adminUrl: `${tcpUrl}//` });
    expect(transports.ingress.url).toBe(tcpUrl);
    const answer = await transports.ingress.fetch(`${transports.ingress.url}/restate/health`);
    expect(await answer.json()).toMatchObject({ server: 'tcp', path: '/restate/health' });
    expect(transports.adminAddress).toBe(`${tcpUrl} (cluster)`);
    const admin = new RestateAdminClient(transports.admin);
    expect(admin.address).toBe(tcpUrl);
    expect(await admin.query('SELECT 1')).toEqual([{ server: 'tcp' }]);
  });
});

describe('HostInfo', () => {
  const base = { pid: 1, appVersion: '0.1.0', startedAt: '2026-11-30T00:00:00.000Z' };

  it('holds either the sockets of a local host or the URLs of a cluster', () => {
    const local = HostInfo.parse({ ...base, ingressSocket: '/d/i.sock', adminSocket: '/d/a.sock' });
    expect('ingressSocket' in local && local.adminSocket).toBe('/d/a.sock');
    const cluster = HostInfo.parse({
      ...base,
      ingressUrl: 'http://10.0.0.1:8080',
      adminUrl: 'http://10.0.0.1:9070',
    });
    expect('ingressUrl' in cluster && cluster.adminUrl).toBe('http://10.0.0.1:9070');
  });

  it('refuses a file with neither, half of one, or a URL that does not parse', () => {
    expect(HostInfo.safeParse(base).success).toBe(false);
    expect(HostInfo.safeParse({ ...base, ingressSocket: '/d/i.sock' }).success).toBe(false);
    expect(
      HostInfo.safeParse({ ...base, ingressUrl: 'not a url', adminUrl: 'http://10.0.0.1:9070' })
        .success,
    ).toBe(false);
  });
});
