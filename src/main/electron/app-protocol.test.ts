import fc from 'fast-check';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Host } from '../host/host-runtime.js';
import { unixSocketTransport } from '../host/ingress-transport.js';
import { SESSION_TOKEN_HEADER } from '../../shared/shell-contract.js';
import { RENDERER_CONTENT_SECURITY_POLICY } from '../browser-mode/browser-mode-server.js';
import { createAppProtocolHandler, refuseForeignAppRequest } from './app-protocol.js';
import { rendererContentSecurityPolicy } from './content-security-policy.js';

const TOKEN = 'session-token';
const ownHeaders = { [SESSION_TOKEN_HEADER]: TOKEN, origin: 'app://spectra' };

interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let scratch: string;
let rendererDir: string;
let ingress: http.Server;
let ingressSocket: string;
const seen: SeenRequest[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'spectra-app-protocol-'));
  rendererDir = join(scratch, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<html><head></head><body>ui</body></html>');
  writeFileSync(join(scratch, 'secret.txt'), 'TOP SECRET');
  // A stand-in for restate-server's ingress: echoes what reached it.
  ingress = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'x=1' });
      response.end(JSON.stringify({ ok: true }));
    });
  });
  // Like restate-server's: a Unix socket, no TCP port.
  ingressSocket = join(scratch, 'ingress.sock');
  await new Promise<void>((resolve) => ingress.listen(ingressSocket, resolve));
});
afterAll(async () => {
  await new Promise((resolve) => ingress.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

function fakeHost(): Host {
  return {
    appVersion: '0.0.0-test',
    ingress: unixSocketTransport(ingressSocket),
    serverState: () => 'ready',
    diskFault: () => undefined,
  } as unknown as Host;
}

function handlerWith(overrides: Partial<Parameters<typeof createAppProtocolHandler>[0]> = {}) {
  return createAppProtocolHandler({
    host: async () => fakeHost(),
    renderer: { kind: 'files', directory: rendererDir },
    sessionToken: TOKEN,
    contentSecurityPolicy: RENDERER_CONTENT_SECURITY_POLICY,
    ...overrides,
  });
}

describe('app:// routing', () => {
  it('serves the renderer with the electron meta tag and the strict CSP', async () => {
    const response = await handlerWith()(new Request('app://spectra/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CONTENT_SECURITY_POLICY);
    const html = await response.text();
    expect(html).toContain('content="electron" data-backend="/ingress" data-token="session-token"');
  });

  it('refuses traversal out of the renderer dir through the URL', async () => {
    for (const url of [
      'app://spectra/../secret.txt',
      'app://spectra/%2e%2e/secret.txt',
      'app://spectra/..%2Fsecret.txt',
      'app://spectra/..%5Csecret.txt',
    ]) {
      const response = await handlerWith()(new Request(url));
      expect(await response.text(), url).not.toContain('TOP SECRET');
    }
  });

  it('answers only our own host', async () => {
    const response = await handlerWith()(new Request('app://elsewhere/'));
    expect(response.status).toBe(404);
  });

  it('refuses writes to renderer files', async () => {
    const response = await handlerWith()(
      new Request('app://spectra/index.html', { method: 'POST', body: 'x' }),
    );
    expect(response.status).toBe(405);
  });

  it('answers /api/... from the host', async () => {
    const response = await handlerWith()(
      new Request('app://spectra/api/health', { headers: ownHeaders }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ serverState: 'ready', dataDirProblem: null });
  });

  it('forwards /ingress/... to the ingress with path, query, body and the allowed headers only', async () => {
    seen.length = 0;
    const response = await handlerWith()(
      new Request('app://spectra/ingress/Diagnostics/runtime/send?delay=1s', {
        method: 'POST',
        body: '{"a":1}',
        headers: {
          ...ownHeaders,
          'content-type': 'application/json',
          'idempotency-key': 'k-1',
          cookie: 'session=secret',
        },
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/Diagnostics/runtime/send?delay=1s',
      body: '{"a":1}',
    });
    expect(seen[0]!.headers['idempotency-key']).toBe('k-1');
    expect(seen[0]!.headers.cookie).toBeUndefined();
    expect(seen[0]!.headers[SESSION_TOKEN_HEADER]).toBeUndefined();
  });

  it('refuses backend requests without the session token, from a foreign origin, or preflights', async () => {
    seen.length = 0;
    const handler = handlerWith();
    const refused = [
      new Request('app://spectra/api/health'),
      new Request('app://spectra/api/health', { headers: { [SESSION_TOKEN_HEADER]: 'wrong' } }),
      new Request('app://spectra/ingress/Diagnostics/runtime', {
        method: 'POST',
        headers: { ...ownHeaders, origin: 'https://evil.example' },
      }),
      new Request('app://spectra/ingress/Diagnostics/runtime', {
        method: 'POST',
        headers: { ...ownHeaders, 'sec-fetch-site': 'cross-site' },
      }),
      new Request('app://spectra/ingress/Diagnostics/runtime', {
        method: 'OPTIONS',
        headers: ownHeaders,
      }),
    ];
    for (const request of refused) {
      const response = await handler(request);
      expect(response.status, `${request.method} ${request.url}`).toBe(403);
    }
    expect(seen).toHaveLength(0);
  });

  it('waits for the host, and answers 503 when it failed to start', async () => {
    let release!: (host: Host) => void;
    const pending = new Promise<Host>((resolve) => (release = resolve));
    const waiting = handlerWith({ host: () => pending })(
      new Request('app://spectra/api/health', { headers: ownHeaders }),
    );
    release(fakeHost());
    expect((await waiting).status).toBe(200);

    const failed = await handlerWith({
      host: () => Promise.reject(new Error('restate-server binary missing')),
    })(new Request('app://spectra/api/health', { headers: ownHeaders }));
    expect(failed.status).toBe(503);
    expect(await failed.text()).toContain('restate-server binary missing');
  });

  it('in development, re-serves the dev server on our origin with the meta tag', async () => {
    const devServer = 'http://localhost:5173';
    const fetchUpstream = vi.fn(async (input: string | URL | Request) => {
      const url = String(input);
      return url.endsWith('/')
        ? new Response('<html><head></head></html>', { headers: { 'content-type': 'text/html' } })
        : new Response('export {}', { headers: { 'content-type': 'text/javascript' } });
    });
    const policy = rendererContentSecurityPolicy(devServer);
    const handler = handlerWith({
      renderer: { kind: 'development-server', url: devServer },
      contentSecurityPolicy: policy,
      fetchUpstream: fetchUpstream as unknown as typeof fetch,
    });
    const page = await handler(new Request('app://spectra/'));
    expect(await page.text()).toContain('content="electron" data-backend="/ingress"');
    expect(page.headers.get('content-security-policy')).toBe(policy);
    const module = await handler(new Request('app://spectra/src/main.tsx?t=1'));
    expect(module.headers.get('content-type')).toBe('text/javascript');
    expect(fetchUpstream.mock.calls.map(([url]) => String(url))).toEqual([
      'http://localhost:5173/',
      'http://localhost:5173/src/main.tsx?t=1',
    ]);
    // The backend stays on our origin in development too.
    const api = await handler(new Request('app://spectra/api/health', { headers: ownHeaders }));
    expect(api.status).toBe(200);
    // `//host/...` stays a path on the dev server: no other host, no credentials.
    await handler(new Request('app://spectra//user:pass@evil.example/x'));
    const last = new URL(String(fetchUpstream.mock.calls.at(-1)![0]));
    expect(last.host).toBe('localhost:5173');
    expect(last.username).toBe('');
  });
});

describe('refuseForeignAppRequest', () => {
  it('lets our own page through', () => {
    const request = new Request('app://spectra/api/health', {
      headers: { ...ownHeaders, 'sec-fetch-site': 'same-origin' },
    });
    expect(refuseForeignAppRequest(request, TOKEN)).toBeUndefined();
  });
});

describe('rendererContentSecurityPolicy', () => {
  it('is the browser-mode policy in production', () => {
    expect(rendererContentSecurityPolicy()).toBe(RENDERER_CONTENT_SECURITY_POLICY);
    expect(rendererContentSecurityPolicy()).toContain("script-src 'self';");
  });

  it('adds only the inline preamble and the hot-reload socket in development', () => {
    const policy = rendererContentSecurityPolicy('http://localhost:5173/');
    expect(policy).toContain("script-src 'self' 'unsafe-inline'");
    expect(policy).toContain("connect-src 'self' ws://localhost:5173");
    expect(policy).toContain("object-src 'none'");
  });
});

describe('app:// under malformed input', () => {
  it('answers every random path and method with a response, never a throw', async () => {
    const handler = handlerWith();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'PROPFIND', 'FOO'),
        fc.constantFrom('', '/ingress', '/api', '/assets'),
        async (text, method, prefix) => {
          let request: Request;
          try {
            request = new Request(`app://spectra${prefix}/${encodeURI(text)}`, {
              method,
              headers: ownHeaders,
              body: method === 'GET' || method === 'HEAD' ? undefined : text,
            });
          } catch {
            return; // not even a Request: Electron never hands such a thing to the handler
          }
          const response = await handler(request);
          expect(response.status).toBeGreaterThanOrEqual(200);
          expect(response.status).toBeLessThan(600);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses `%`, NUL and traversal paths without throwing', async () => {
    const handler = handlerWith();
    for (const path of ['/%', '/%00', '/%zz', '/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const response = await handler(new Request(`app://spectra${path}`));
      expect([200, 404]).toContain(response.status);
      expect(await response.text()).not.toContain('TOP SECRET');
    }
  });
});
