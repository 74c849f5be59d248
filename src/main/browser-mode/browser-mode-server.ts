import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Host } from '../host/host-runtime.js';
import { LOOPBACK_HOST } from '../host/loopback-ports.js';
import { forwardToIngress, handleBackendApi } from '../backend/backend-api.js';
import { SESSION_TOKEN_HEADER } from '../../shared/shell-contract.js';
import { refuseForeignRequest } from '../backend/backend-request-guard.js';

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

  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://placeholder').pathname;
    if (path.startsWith('/ingress/') || path.startsWith('/api/')) {
      const refusal = refuseForeignRequest(
        {
          method: request.method ?? 'GET',
          host: request.headers.host,
          origin: request.headers.origin,
          secFetchSite: header(request, 'sec-fetch-site'),
          token: header(request, SESSION_TOKEN_HEADER),
        },
        ownOrigin,
        token,
      );
      if (refusal) {
        host.logger.warn('refused a request to the backend proxy', { path, reason: refusal });
        return sendText(response, 403, `Forbidden: ${refusal}`);
      }
      void toFetchRequest(request, ownOrigin)
        .then((fetchRequest) =>
          path.startsWith('/ingress/')
            ? forwardToIngress(host.ingressUrl, fetchRequest)
            : handleBackendApi(host, fetchRequest),
        )
        .then((answer) => sendFetchResponse(response, answer))
        .catch((error: Error) => sendText(response, 500, error.message));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendText(response, 405, 'Method not allowed');
    serveRendererFile(response, rendererDir, path, token);
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

async function toFetchRequest(request: http.IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  return new Request(origin + (request.url ?? '/'), {
    method: request.method,
    headers,
    body: chunks.length ? Buffer.concat(chunks) : undefined,
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
  const relative = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
  let file = join(rendererDir, relative);
  if (!file.startsWith(rendererDir + sep) && file !== rendererDir)
    return sendText(response, 404, 'Not found');
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
