import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectShellMeta, resolveRendererPath, serveRendererFile } from './renderer-files.js';

const announcement = { backendBase: '/ingress', sessionToken: 'token-123' };
const policy = "default-src 'self'";

let scratch: string;
let rendererDir: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'spectra-renderer-files-'));
  rendererDir = join(scratch, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head><title>x</title></head><body></body></html>',
  );
  writeFileSync(join(rendererDir, 'assets', 'index-abc.js'), 'console.log("app")');
  // Neighbours a traversal would reach: a sibling file and a sibling dir sharing the prefix.
  writeFileSync(join(scratch, 'secret.txt'), 'TOP SECRET');
  mkdirSync(join(scratch, 'renderer-private'));
  writeFileSync(join(scratch, 'renderer-private', 'key.pem'), 'TOP SECRET');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('resolveRendererPath', () => {
  it('maps URL paths to files inside the renderer dir', () => {
    expect(resolveRendererPath(rendererDir, '/')).toBe(rendererDir);
    expect(resolveRendererPath(rendererDir, '/assets/index-abc.js')).toBe(
      join(rendererDir, 'assets', 'index-abc.js'),
    );
    expect(resolveRendererPath(rendererDir, '/assets/a%20b.png')).toBe(
      join(rendererDir, 'assets', 'a b.png'),
    );
    // An absolute-looking path is still relative to the renderer dir.
    expect(resolveRendererPath(rendererDir, '//etc/passwd')).toBe(
      join(rendererDir, 'etc', 'passwd'),
    );
    // Decoded once only: a double-encoded `..` is a literal file name inside the dir.
    expect(resolveRendererPath(rendererDir, '/%252e%252e/secret.txt')).toBe(
      join(rendererDir, '%2e%2e', 'secret.txt'),
    );
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/assets/..%2F..%2Frenderer-private%2Fkey.pem',
    '/../renderer-private/key.pem',
    '/index.html%00.js',
    '/%E0%A4%A', // malformed percent-encoding
  ])('refuses %s', (path) => {
    expect(resolveRendererPath(rendererDir, path)).toBeUndefined();
  });

  it('never resolves outside the renderer dir, whatever the path', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '%2e%2e', '%2E.', '..%2f', '..%5c', '..\\', '', 'assets', 'a'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const resolved = resolveRendererPath(rendererDir, '/' + segments.join('/'));
        if (resolved === undefined) return;
        const inside = relative(rendererDir, resolved);
        expect(inside === '' || !inside.startsWith('..')).toBe(true);
        expect(resolved === rendererDir || resolved.startsWith(rendererDir + sep)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('serveRendererFile', () => {
  it('serves index.html with the shell meta tag and the CSP header', async () => {
    const response = await serveRendererFile(rendererDir, '/', announcement, policy);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(policy);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain(
      '<meta name="spectra-shell" content="electron" data-backend="/ingress" data-token="token-123"></head>',
    );
  });

  it('serves assets with their content type', async () => {
    const response = await serveRendererFile(
      rendererDir,
      '/assets/index-abc.js',
      announcement,
      policy,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log("app")');
  });

  it('answers client-side routes with index.html but a missing asset with 404', async () => {
    const route = await serveRendererFile(rendererDir, '/campaigns/42', announcement, policy);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('spectra-shell');
    const missing = await serveRendererFile(rendererDir, '/assets/gone.js', announcement, policy);
    expect(missing.status).toBe(404);
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt'])(
    'never serves a file outside the renderer dir (%s)',
    async (path) => {
      const response = await serveRendererFile(rendererDir, path, announcement, policy);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('TOP SECRET');
    },
  );

  it('says how to build the UI when it is missing', async () => {
    const response = await serveRendererFile(join(scratch, 'nothing'), '/', announcement, policy);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('electron-vite build');
  });
});

describe('injectShellMeta', () => {
  it('escapes attribute values and copes with a document without </head>', () => {
    const html = injectShellMeta('<p>hi</p>', { backendBase: '/x"><script>', sessionToken: 't' });
    expect(html).toBe(
      '<meta name="spectra-shell" content="electron" data-backend="/x&quot;&gt;&lt;script&gt;" data-token="t"><p>hi</p>',
    );
  });
});
