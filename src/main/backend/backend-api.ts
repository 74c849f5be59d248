import type { Host } from '../host/host-runtime.js';

/**
 * The host's own read-only API for the renderer: what the ingress cannot
 * answer, such as the server's health and operations metrics from the admin
 * API (which the page must never reach directly). Fetch-style so both shells
 * use it as is: browser mode behind its guarded proxy, Electron behind its
 * privileged `app://` scheme.
 */
export async function handleBackendApi(host: Host, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (request.method === 'GET' && path === '/api/health') {
    return jsonResponse(200, { serverState: host.serverState() });
  }
  return jsonResponse(404, { error: `unknown API path ${path}` });
}

/**
 * Forwards `/ingress/<rest>` to restate-server's ingress. Only the headers the
 * Restate clients need pass; cookies and the like never reach the server.
 */
export async function forwardToIngress(ingressUrl: string, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const target = ingressUrl + url.pathname.slice('/ingress'.length) + url.search;
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'accept', 'idempotency-key']) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  try {
    const upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
    });
    return new Response(await upstream.arrayBuffer(), {
      status: upstream.status,
      headers: {
        'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    return new Response(`ingress unreachable: ${(error as Error).message}`, { status: 502 });
  }
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}
