import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unixSocketFetch } from './unix-socket-fetch.js';

describe('unixSocketFetch', () => {
  const directory = mkdtempSync(join(tmpdir(), 'spectra-socket-fetch-'));
  const socketPath = join(directory, 'http.sock');
  let server: Server;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/empty') {
          response.writeHead(204).end();
        } else if (request.url === '/repeated') {
          response.setHeader('x-seen', ['one', 'two']);
          response.end(JSON.stringify(request.headers));
        } else if (request.url === '/slow') {
          setTimeout(() => response.end('late'), 2_000);
        } else {
          response.writeHead(request.url === '/missing' ? 404 : 200, {
            'content-type': 'application/json',
            'retry-after': '1',
          });
          response.end(
            JSON.stringify({
              method: request.method,
              path: request.url,
              key: request.headers['idempotency-key'] ?? null,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  it('sends method, path, query, headers and body, and answers a Response', async () => {
    const fetch = unixSocketFetch(socketPath);
    const response = await fetch('http://localhost/Campaigns/submit?x=1', {
      method: 'POST',
      headers: { 'idempotency-key': 'k1', 'content-type': 'application/json' },
      body: new TextEncoder().encode('{"a":1}'),
    });
    expect(response.ok).toBe(true);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      method: 'POST',
      path: '/Campaigns/submit?x=1',
      key: 'k1',
      body: '{"a":1}',
    });
    const missing = await fetch(new URL('http://localhost/missing'));
    expect(missing.status).toBe(404);
    expect(JSON.parse(await missing.text())).toMatchObject({ method: 'GET', body: '' });
    expect((await fetch('http://localhost/empty', { method: 'DELETE' })).status).toBe(204);
  });

  it('reads headers as fetch does, in every form fetch takes them, and a body only once', async () => {
    const fetch = unixSocketFetch(socketPath);
    for (const headers of [
      { 'X-Key': 'k' },
      [['X-Key', 'k']] as [string, string][],
      new Headers({ 'X-Key': 'k' }),
    ]) {
      const response = await fetch('http://localhost/repeated', { headers });
      expect(response.headers.get('X-SEEN')).toBe('one, two');
      expect(response.headers.has('content-length')).toBe(true);
      expect([...response.headers.keys()]).toEqual([...response.headers.keys()].sort());
      expect(response.bodyUsed).toBe(false);
      const sent = JSON.parse(new TextDecoder().decode(await response.arrayBuffer())) as Record<
        string,
        string
      >;
      expect(sent['x-key']).toBe('k');
      expect(response.bodyUsed).toBe(true);
      await expect(response.text()).rejects.toBeInstanceOf(TypeError);
    }
    const empty = await fetch('http://localhost/empty');
    expect(empty.ok).toBe(true);
    expect(await empty.text()).toBe('');
  });

  it('rejects with the signal reason when aborted, and with the socket error as cause', async () => {
    const fetch = unixSocketFetch(socketPath);
    await expect(
      fetch('http://localhost/slow', { signal: AbortSignal.timeout(100) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    const nowhere = unixSocketFetch(join(directory, 'absent.sock'));
    const failure = await nowhere('http://localhost/').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).cause).toMatchObject({ code: 'ENOENT' });
  });
});
