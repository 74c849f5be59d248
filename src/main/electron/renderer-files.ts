import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** What the shell tells the page about itself, injected into every HTML document it serves. */
export interface ShellAnnouncement {
  /** Base URL of the ingress as the page must use it (relative: `/ingress`). */
  backendBase: string;
  sessionToken: string;
}

/**
 * Maps the path of an `app://spectra/...` URL to a file inside `rendererDir`,
 * or undefined when it must be refused. The path is percent-decoded first, so
 * `%2e%2e%2f` is seen as `../`; any `..` segment, backslash-separated or not,
 * is refused outright rather than normalised, NUL bytes are refused, and the
 * result must still lie inside `rendererDir`.
 */
export function resolveRendererPath(rendererDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const segments = decoded.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return undefined;
  const root = resolve(rendererDir);
  const file = resolve(root, ...segments);
  const inside = relative(root, file);
  if (inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return file;
}

/**
 * Serves one file of the built renderer. Paths without an extension that name
 * no file get index.html (client-side routes); a missing asset is a 404, never
 * HTML in place of a script.
 */
export async function serveRendererFile(
  rendererDir: string,
  urlPath: string,
  announcement: ShellAnnouncement,
  contentSecurityPolicy: string,
): Promise<Response> {
  const resolved = resolveRendererPath(rendererDir, urlPath);
  if (!resolved) return textResponse(404, 'Not found');
  let file = resolved;
  if (!(await isFile(file))) {
    if (extname(file) !== '') return textResponse(404, 'Not found');
    file = resolve(rendererDir, 'index.html');
    if (!(await isFile(file))) {
      return textResponse(503, 'The UI is not built: run `npx electron-vite build`.');
    }
  }
  const contentType = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  const headers = rendererHeaders(contentType, contentSecurityPolicy);
  if (contentType.startsWith('text/html')) {
    const html = injectShellMeta(await readFile(file, 'utf8'), announcement);
    return new Response(html, { status: 200, headers });
  }
  return new Response(await readFile(file), { status: 200, headers });
}

/**
 * Development: the page and its modules come from electron-vite's dev server,
 * fetched by main and re-served on our own origin, so the page, its backend
 * and the IPC sender check see one origin in development and production alike.
 */
export async function serveFromDevelopmentServer(
  developmentServerUrl: string,
  request: Request,
  announcement: ShellAnnouncement,
  contentSecurityPolicy: string,
  fetchUpstream: typeof fetch = fetch,
): Promise<Response> {
  const url = new URL(request.url);
  // Path and query are set on the dev server's URL, never resolved against it:
  // `//evil.example/x` resolved as a reference would name another host.
  const target = new URL(developmentServerUrl);
  target.pathname = url.pathname;
  target.search = url.search;
  let upstream: Response;
  try {
    upstream = await fetchUpstream(target, {
      method: request.method,
      headers: { accept: request.headers.get('accept') ?? '*/*' },
    });
  } catch (error) {
    return textResponse(502, `development server unreachable: ${(error as Error).message}`);
  }
  const contentType = upstream.headers.get('content-type') ?? 'application/octet-stream';
  const headers = rendererHeaders(contentType, contentSecurityPolicy);
  if (contentType.startsWith('text/html')) {
    const html = injectShellMeta(await upstream.text(), announcement);
    return new Response(html, { status: upstream.status, headers });
  }
  return new Response(await upstream.arrayBuffer(), { status: upstream.status, headers });
}

/** Adds `<meta name="spectra-shell" content="electron" ...>` (see src/shared/shell-contract.ts). */
export function injectShellMeta(html: string, announcement: ShellAnnouncement): string {
  const meta =
    `<meta name="spectra-shell" content="electron"` +
    ` data-backend="${escapeAttribute(announcement.backendBase)}"` +
    ` data-token="${escapeAttribute(announcement.sessionToken)}">`;
  const headEnd = html.search(/<\/head>/i);
  if (headEnd === -1) return meta + html;
  return html.slice(0, headEnd) + meta + html.slice(headEnd);
}

function rendererHeaders(contentType: string, contentSecurityPolicy: string): Headers {
  return new Headers({
    'content-type': contentType,
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function textResponse(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}
