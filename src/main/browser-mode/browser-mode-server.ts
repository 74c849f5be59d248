import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { extname, join } from 'node:path';
import type { Host } from '../host/host-runtime.js';
import { LOOPBACK_HOST } from '../host/loopback-ports.js';
import { forwardToIngress, handleBackendApi } from '../backend/backend-api.js';
import { SESSION_TOKEN_HEADER } from '../../shared/shell-contract.js';
import { refuseForeignRequest } from '../backend/backend-request-guard.js';
import { resolveRendererPath } from '../electron/renderer-files.js';

/**
 * Bodies above this are refused with 413 before they reach the ingress
 * (restate-server's own limit is 32 MiB; no UI request comes near it).
 */
export const MAX_REQUEST_BODY_BYTES = 8 * 1024 * 1024;
/** A client has this long to send its headers, and this long for the whole request. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface BrowserModeServer {
  url: string;
  /** The URL to open: carries nothing secret, the token is delivered in the page. */
  urlWithToken: string;
  token: string;
  close(): Promise<void>;
}

/** Content-Security-Policy for the renderer: only our own origin, nothing from the network. */
export const RENDERER_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Browser mode: serves the built renderer on 127.0.0.1 and, on the same
 * origin, a guarded proxy to the Restate ingress (`/ingress/...`) plus the
 * host's own read-only API (`/api/...`). Used where the Electron binary is
 * missing and by the e2e tests.
 */
export async function startBrowserModeServer(options: {
  host: Host;
  rendererDir: string;
  port?: number;
}): Promise<BrowserModeServer> {
  const { host, rendererDir } = options;
  const token = randomBytes(24).toString('base64url');
  let ownOrigin = '';

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    let path: string;
    try {
      // `new URL` throws on what no browser sends (`//`, bad escapes in the authority...).
      path = new URL(request.url ?? '/', 'http://placeholder').pathname;
    } catch {
      return sendText(response, 400, 'Bad request');
    }
    const guarded = {
      method: request.method ?? 'GET',
      host: request.headers.host,
      origin: request.headers.origin,
      secFetchSite: header(request, 'sec-fetch-site'),
      token: header(request, SESSION_TOKEN_HEADER),
    };
    if (path.startsWith('/ingress/') || path.startsWith('/api/')) {
      const refusal = refuseForeignRequest(guarded, ownOrigin, token);
      if (refusal) {
        host.logger.warn('refused a request to the backend proxy', { path, reason: refusal });
        return sendText(response, 403, `Forbidden: ${refusal}`);
      }
      const fetchRequest = await toFetchRequest(request, ownOrigin);
      if (fetchRequest === 'too large') {
        return sendText(response, 413, `Request body larger than ${MAX_REQUEST_BODY_BYTES} bytes`);
      }
      const answer = path.startsWith('/ingress/')
        ? await forwardToIngress(host.ingress, fetchRequest)
        : await handleBackendApi(host, fetchRequest);
      return sendFetchResponse(response, answer);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendText(response, 405, 'Method not allowed');
    // The page carries the session token: only our own origin gets it (DNS rebinding).
    if (guarded.host !== new URL(ownOrigin).host) {
      host.logger.warn('refused a page request for a foreign Host', { host: guarded.host });
      return sendText(response, 403, 'Forbidden: unexpected Host');
    }
    serveRendererFile(response, rendererDir, path, token);
  };

  const server = http.createServer((request, response) => {
    // No request may take the host down: whatever a handler throws becomes a 500.
    handle(request, response).catch((error: unknown) => {
      host.logger.warn('UI server request failed', { error: String(error).slice(0, 300) });
      if (!response.headersSent) sendText(response, 500, 'Internal error');
      else response.destroy();
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.on('clientError', (_error, socket) => {
    // Malformed HTTP: answer 400 when the socket can still take it, then drop it.
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK_HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  ownOrigin = `http://${LOOPBACK_HOST}:${port}`;
  return {
    url: ownOrigin,
    urlWithToken: `${ownOrigin}/`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function toFetchRequest(
  request: http.IncomingMessage,
  origin: string,
): Promise<Request | 'too large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BODY_BYTES) {
      request.resume();
      return 'too large';
    }
    chunks.push(chunk as Buffer);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value !== 'string') continue;
    try {
      headers.set(name, value);
    } catch {
      // A header value fetch refuses (control characters) is dropped, not fatal.
    }
  }
  const url = new URL(origin);
  const own = new URL(request.url ?? '/', origin);
  url.pathname = own.pathname;
  url.search = own.search;
  const method = request.method ?? 'GET';
  return new Request(url, {
    method,
    headers,
    body:
      chunks.length && method !== 'GET' && method !== 'HEAD' ? Buffer.concat(chunks) : undefined,
  });
}

async function sendFetchResponse(response: http.ServerResponse, answer: Response): Promise<void> {
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => (headers[name] = value));
  response.writeHead(answer.status, headers);
  response.end(Buffer.from(await answer.arrayBuffer()));
}

function serveRendererFile(
  response: http.ServerResponse,
  rendererDir: string,
  path: string,
  token: string,
): void {
  const resolved = resolveRendererPath(rendererDir, path);
  if (!resolved) return sendText(response, 404, 'Not found');
  let file = resolved;
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(rendererDir, 'index.html');
  if (!existsSync(file)) {
    return sendText(
      response,
      503,
      'The UI is not built yet: run `npm run build` (npm start does it for you).',
    );
  }
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  if (file.endsWith('.html')) {
    headers['content-security-policy'] = RENDERER_CONTENT_SECURITY_POLICY;
    headers['cache-control'] = 'no-store';
    // The shell hands the page its backend: same-origin base URL and the session token.
    const html = readFileSync(file, 'utf8').replace(
      '</head>',
      `<meta name="spectra-shell" content="browser" data-backend="/ingress" data-token="${token}"></head>`,
    );
    response.writeHead(200, headers);
    return void response.end(html);
  }
  response.writeHead(200, headers);
  response.end(readFileSync(file));
}

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendText(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
