import { Agent, fetch as undiciFetch } from 'undici';

/**
 * How to reach restate-server's ingress (or admin API): a base URL plus a
 * `fetch` that carries every request over the server's Unix socket. The
 * server listens on no TCP port (`listen-mode = "unix"`), so no web page and
 * no other local user can reach it; only processes that may open the socket
 * file in the 0700 data dir can.
 *
 * Exactly the options `@restatedev/restate-sdk-clients`' `connect` takes:
 *
 *     clients.connect(ingressTransport(host))          // or { ...ingressTransport(info), headers }
 *     await ingressTransport(info).fetch(`${url}/restate/health`)
 */
export interface IngressTransport {
  /** Base URL; its host is only a label, the connection always goes to the socket. */
  url: string;
  fetch: typeof globalThis.fetch;
}

/** Where the sockets are: a running `Host`, or the `host.json` (HostInfo) it advertises. */
export interface RestateSockets {
  ingressSocket: string;
  adminSocket?: string;
}

/** The ingress of the host described by `sockets`. */
export function ingressTransport(sockets: Pick<RestateSockets, 'ingressSocket'>): IngressTransport {
  return unixSocketTransport(sockets.ingressSocket);
}

/** Base URL used for socket connections: never resolved, never leaves the machine. */
export const SOCKET_BASE_URL = 'http://localhost';

const agents = new Map<string, Agent>();

/** A transport for any HTTP server on a Unix socket (the ingress and the admin API alike). */
export function unixSocketTransport(socketPath: string): IngressTransport {
  let agent = agents.get(socketPath);
  if (!agent) {
    agent = new Agent({ connect: { socketPath } });
    agents.set(socketPath, agent);
  }
  const dispatcher = agent;
  const socketFetch = (input: Parameters<typeof undiciFetch>[0], init?: RequestInit) =>
    undiciFetch(input, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher });
  return { url: SOCKET_BASE_URL, fetch: socketFetch as unknown as typeof globalThis.fetch };
}
