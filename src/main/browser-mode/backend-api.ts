import type http from 'node:http';
import type { Host } from '../host/host-runtime.js';

/**
 * The host's own read-only API for the renderer (things the ingress cannot
 * answer, such as the server's health and operations metrics from the admin
 * API, which the page must never reach directly).
 */
export async function handleBackendApi(
  host: Host,
  path: string,
  _request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  if (path === '/api/health') {
    return sendJson(response, 200, {
      serverState: host.serverState(),
      ingressUrl: host.ingressUrl,
    });
  }
  sendJson(response, 404, { error: `unknown API path ${path}` });
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
