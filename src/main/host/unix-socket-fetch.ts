import { Agent, request, type IncomingMessage } from 'node:http';

/** Statuses whose response has no body (a Response with one would throw). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * `fetch` over a Unix socket, built on node:http with keep-alive connections:
 * how every process reaches restate-server's ingress and admin API. Node's own
 * fetch cannot use a socket, and undici (which can) is a 1.2 MB module that
 * every `spectra` command would parse before its first request (~50 ms on
 * Node 20, which has no compile cache).
 *
 * As much of fetch as our callers use: a URL (string or URL), method, headers,
 * a string or byte body and an abort signal; the answer is a real Response
 * with the whole body. Failures reject like fetch does: the signal's reason
 * when aborted, else `TypeError('fetch failed')` with the socket error as
 * `cause` (ECONNREFUSED, ENOENT...).
 */
export function unixSocketFetch(socketPath: string): typeof globalThis.fetch {
  // Idle connections are unref'd by the agent: they never keep a process alive.
  const agent = new Agent({ keepAlive: true });
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      if (typeof input !== 'string' && !(input instanceof URL)) {
        reject(new TypeError('unixSocketFetch takes a URL, not a Request'));
        return;
      }
      const signal = init?.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let body: Uint8Array | string | undefined;
      try {
        body = requestBody(init?.body);
      } catch (error) {
        reject(error);
        return;
      }
      const url = new URL(input);
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const outgoing = request({
        agent,
        socketPath,
        method: init?.method ?? 'GET',
        path: url.pathname + url.search,
        headers: { host: url.host, ...headers },
      });
      const onAbort = () => {
        outgoing.destroy();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const fail = (error: Error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      };
      outgoing.on('error', fail);
      outgoing.on('response', (incoming: IncomingMessage) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', fail);
        incoming.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const status = incoming.statusCode ?? 502;
          const responseHeaders = new Headers();
          const raw = incoming.rawHeaders;
          for (let index = 0; index + 1 < raw.length; index += 2)
            responseHeaders.append(raw[index]!, raw[index + 1]!);
          resolve(
            new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
              status,
              statusText: incoming.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        });
      });
      outgoing.end(body);
    });
}

function requestBody(body: RequestInit['body']): Uint8Array | string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body))
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('unixSocketFetch sends a string or bytes as the body');
}
