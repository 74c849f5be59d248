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
 * a string or byte body and an abort signal; the answer is a SocketResponse
 * with the whole body (below: not undici's Response either). Failures reject
 * like fetch does: the signal's reason when aborted, else
 * `TypeError('fetch failed')` with the socket error as `cause` (ECONNREFUSED,
 * ENOENT...).
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
      const headers = requestHeaders(init?.headers);
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
          resolve(
            new SocketResponse(
              url.href,
              status,
              incoming.statusMessage ?? '',
              new SocketHeaders(incoming.rawHeaders),
              NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks),
            ) as unknown as Response,
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

/** The request's headers as node:http takes them: lower-case names, from any form fetch accepts. */
function requestHeaders(init: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!init) return headers;
  const pairs: Iterable<readonly [string, string | readonly string[]]> =
    Symbol.iterator in init ? (init as Iterable<[string, string]>) : Object.entries(init);
  for (const [name, value] of pairs)
    headers[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  return headers;
}

/**
 * A response's headers, read as the Fetch API's Headers reads them
 * (case-insensitive names; repeated fields joined with ", ").
 */
export class SocketHeaders {
  readonly #fields = new Map<string, string>();

  constructor(rawHeaders: readonly string[] = []) {
    for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
      const name = rawHeaders[index]!.toLowerCase();
      const earlier = this.#fields.get(name);
      this.#fields.set(
        name,
        earlier === undefined ? rawHeaders[index + 1]! : `${earlier}, ${rawHeaders[index + 1]}`,
      );
    }
  }

  get(name: string): string | null {
    return this.#fields.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#fields.has(name.toLowerCase());
  }

  forEach(callback: (value: string, name: string, headers: SocketHeaders) => void): void {
    for (const [name, value] of this.entries()) callback(value, name, this);
  }

  /** Sorted by name, as Headers iterates. */
  entries(): IterableIterator<[string, string]> {
    return [...this.#fields].sort(([left], [right]) => (left < right ? -1 : 1))[Symbol.iterator]();
  }

  keys(): IterableIterator<string> {
    return [...this.entries()].map(([name]) => name)[Symbol.iterator]();
  }

  values(): IterableIterator<string> {
    return [...this.entries()].map(([, value]) => value)[Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * The answer of unixSocketFetch: what its callers (the Restate clients, the
 * admin client, the UI's ingress proxy, readiness checks) read of a fetch
 * Response: status, headers and the whole body once, as text, JSON or bytes.
 * Not undici's Response: in Node, Response and Headers live in undici, which
 * costs each `spectra` command on Node 20 ~25 ms of CPU to load and an idle
 * host ~14 MB of RSS (Node 22, measured with smaps_rollup).
 */
export class SocketResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  #body: Buffer | null;
  #used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: SocketHeaders,
    body: Buffer | null,
  ) {
    this.ok = status >= 200 && status < 300;
    this.#body = body;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  /** Like Response: the body can be read once. */
  #take(): Buffer {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    const body = this.#body ?? Buffer.alloc(0);
    this.#body = null;
    return body;
  }

  async text(): Promise<string> {
    return this.#take().toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const body = this.#take();
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }
}
