import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_KEY, SERVICE_NAMES } from '../../src/shared/service-contracts.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { temporaryDataDir } from '../support/temporary-host.js';
import { getRequest, rawHttp } from './support/raw-http.js';

/**
 * Hostile requests against a real `spectra serve` (browser mode): the UI
 * server must answer each one (or drop the connection) and keep running.
 * Before the fix, `GET /%` threw URIError outside any handler and the host
 * exited, taking restate-server down with it.
 */
let serve: ServeProcess;
let scratch: ReturnType<typeof temporaryDataDir>;
let port: number;
let ownHost: string;
let token: string;

beforeAll(async () => {
  scratch = temporaryDataDir('spectra-fuzz-');
  const rendererDir = join(scratch.dataDir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<html><head></head><body>ui</body></html>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  serve = await startServeProcess(join(scratch.dataDir, 'data'), {
    ui: true,
    extraArguments: ['--renderer-dir', rendererDir],
  });
  ownHost = new URL(serve.uiUrl!).host;
  port = Number(new URL(serve.uiUrl!).port);
  const page = await rawHttp(port, [getRequest('/', ownHost)]);
  token = /data-token="([^"]+)"/.exec(page.body)?.[1] ?? '';
  expect(token).not.toBe('');
});

afterAll(async () => {
  await serve?.stop();
  scratch?.remove();
});

/** The host process is alive and both the UI and the backend still answer. */
async function expectHostStillAnswers(): Promise<void> {
  expect(serve.child.exitCode).toBeNull();
  const page = await rawHttp(port, [getRequest('/', ownHost)]);
  expect(page.status).toBe(200);
  const health = await rawHttp(port, [
    getRequest('/api/health', ownHost, [`x-spectra-token: ${token}`]),
  ]);
  expect(health.status).toBe(200);
  expect(JSON.parse(health.body)).toMatchObject({ serverState: 'ready', dataDirProblem: null });
  // The proxy still reaches restate-server's ingress over its Unix socket.
  const listed = await rawHttp(port, [
    [
      `POST /ingress/${SERVICE_NAMES.campaignIndex}/${INDEX_KEY}/list HTTP/1.1`,
      `Host: ${ownHost}`,
      `x-spectra-token: ${token}`,
      'content-type: application/json',
      'Content-Length: 0',
      'Connection: close',
      '',
      '',
    ].join('\r\n'),
  ]);
  expect(listed.status).toBe(200);
  expect(Array.isArray(JSON.parse(listed.body))).toBe(true);
}

describe('UI server under malformed input', () => {
  it('answers GET /% with 4xx instead of exiting', async () => {
    const answer = await rawHttp(port, [getRequest('/%', ownHost)]);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    await expectHostStillAnswers();
  });

  it('survives hostile paths, never serving a file outside the renderer', async () => {
    const paths = [
      '/%00',
      '/%zz',
      '/%E0%A4%A',
      '/%C0%AE%C0%AE/%C0%AE%C0%AE/etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/../../../etc/passwd',
      '/..\\..\\..\\etc\\passwd',
      '/index.html%00.js',
      '//user:pass@evil.example/x',
      '/ingress//user:pass@evil.example/x',
      '/api/%',
      '/api/health%',
      '/assets/' + '%'.repeat(5_000),
      '/' + 'a'.repeat(60_000),
      '/é/\u{1F600}/\u202E',
      '*',
      'http://evil.example/',
      '/?%',
      '/#%',
    ];
    for (const path of paths) {
      const answer = await rawHttp(port, [
        Buffer.from(getRequest(path, ownHost, [`x-spectra-token: ${token}`]), 'utf8'),
      ]);
      expect(answer.body, path).not.toContain('root:');
    }
    await expectHostStillAnswers();
  });

  it('survives random paths (fast-check, 300 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (text) => {
        const path = '/' + text.replace(/[\r\n ]/g, '%');
        const prefix = ['', '/ingress', '/api', '/assets'][text.length % 4];
        await rawHttp(port, [Buffer.from(getRequest(prefix + path, ownHost), 'utf8')], {
          timeoutMs: 2_000,
        });
      }),
      { numRuns: 300 },
    );
    await expectHostStillAnswers();
  });

  it('survives odd methods and bad headers', async () => {
    const tokenHeader = `x-spectra-token: ${token}`;
    const requests = [
      `FOO / HTTP/1.1\r\nHost: ${ownHost}\r\n\r\n`,
      `TRACE /ingress/${SERVICE_NAMES.campaigns}/submit HTTP/1.1\r\nHost: ${ownHost}\r\n${tokenHeader}\r\n\r\n`,
      `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: ${ownHost}\r\n\r\n`,
      `PROPFIND /api/health HTTP/1.1\r\nHost: ${ownHost}\r\n${tokenHeader}\r\n\r\n`,
      `DELETE / HTTP/1.1\r\nHost: ${ownHost}\r\n\r\n`,
      `GET / HTTP/1.1\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${ownHost}\r\nHost: evil.example\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${ownHost}\r\nno colon here\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${ownHost}\r\nX-Nul: a\u0000b\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${ownHost}\r\nX-Big: ${'b'.repeat(200_000)}\r\n\r\n`,
      `GET /api/health HTTP/1.1\r\nHost: ${ownHost}\r\n${tokenHeader}\r\nOrigin: \u00ff\u00fe\r\n\r\n`,
      `POST /ingress/x HTTP/1.1\r\nHost: ${ownHost}\r\n${tokenHeader}\r\nContent-Length: abc\r\n\r\n`,
      `POST /ingress/x HTTP/1.1\r\nHost: ${ownHost}\r\n${tokenHeader}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n`,
      `POST /ingress/x HTTP/1.1\r\nHost: ${ownHost}\r\n${tokenHeader}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      `GET / HTTP/9.9\r\nHost: ${ownHost}\r\n\r\n`,
      `GET /\r\n\r\n`,
      '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003',
    ];
    for (const request of requests) {
      await rawHttp(port, [Buffer.from(request, 'latin1')], { timeoutMs: 1_500 });
    }
    await expectHostStillAnswers();
  });

  it('refuses a huge body with 413 and drops a slow body, still answering others', async () => {
    const head = [
      `POST /ingress/${SERVICE_NAMES.campaigns}/submit HTTP/1.1`,
      `Host: ${ownHost}`,
      `x-spectra-token: ${token}`,
      'content-type: application/json',
      `Content-Length: ${64 * 1024 * 1024}`,
      '',
      '',
    ].join('\r\n');
    const megabyte = Buffer.alloc(1024 * 1024, 0x61);
    const huge = await rawHttp(port, [head, ...Array.from({ length: 12 }, () => megabyte)], {
      timeoutMs: 20_000,
    });
    expect(huge.status).toBe(413);

    // One byte every 100 ms: bounded here by the test, and by the server's request timeout.
    const slowHead = head.replace(`${64 * 1024 * 1024}`, '1000');
    const slow = rawHttp(port, [slowHead, ...Array.from({ length: 20 }, () => 'x')], {
      chunkDelayMs: 100,
      timeoutMs: 2_500,
    });
    await expectHostStillAnswers();
    await slow;
    await expectHostStillAnswers();
  });
});

describe('UI server Host check (the page carries the session token)', () => {
  it('serves the page and its files only for its own Host', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/campaigns']) {
      const foreign = await rawHttp(port, [getRequest(path, `evil.example:${port}`)]);
      expect(foreign.status, path).toBe(403);
      expect(foreign.body).not.toContain(token);
      const missing = await rawHttp(port, [`GET ${path} HTTP/1.0\r\n\r\n`]);
      expect(missing.status, path).toBe(403);
    }
    const own = await rawHttp(port, [getRequest('/assets/app.js', ownHost)]);
    expect(own.status).toBe(200);
  });
});
