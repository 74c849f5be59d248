import { unixSocketFetch } from './unix-socket-fetch.js';

/**
 * How to reach restate-server's ingress (or admin API): a base URL plus a
 * `fetch`. For the host's own server, `fetch` carries every request over its
 * Unix socket; for a cluster (src/main/cluster) it is the global fetch. The
 * server listens on no TCP port (`listen-mode = "unix"`), so no web page and
 * no other local user can reach it; only processes that may open the socket
 * file in the 0700 data dir can.
 *
 * Exactly the options `@restatedev/restate-sdk-clients`' `connect` takes:
 *
 *     clients.connect(host.ingress)          // or { ...ingressTransport(info), headers }
 *     await ingressTransport(info).fetch(`${url}/restate/health`)
 */
export interface IngressTransport {
  /** Base URL; for a socket transport its host is only a label, the connection goes to the socket. */
  url: string;
  fetch: typeof globalThis.fetch;
}

/**
 * Where a host's restate-server is: the Unix sockets of the host's own server
 * (local mode), or the URLs of an external Restate cluster (cluster mode,
 * src/main/cluster). A running `Host` and its `host.json` (HostInfo) both are one.
 */
export type RestateLocation =
  | { ingressSocket: string; adminSocket: string }
  | { ingressUrl: string; adminUrl: string };

/** The ingress and the admin API of a location, each with its printable address. */
export interface RestateTransports {
  ingress: IngressTransport;
  admin: IngressTransport;
  ingressAddress: string;
  adminAddress: string;
}

/** The one way to turn a location into transports: sockets for a local server, URLs for a cluster. */
export function restateTransports(location: RestateLocation): RestateTransports {
  if ('ingressSocket' in location) {
    return {
      ingress: unixSocketTransport(location.ingressSocket),
      admin: unixSocketTransport(location.adminSocket),
      ingressAddress: `${location.ingressSocket} (Unix socket, owner only)`,
      adminAddress: `${location.adminSocket} (Unix socket, owner only)`,
    };
  }
  return {
    ingress: urlTransport(location.ingressUrl),
    admin: urlTransport(location.adminUrl),
    ingressAddress: `${trimSlashes(location.ingressUrl)} (cluster)`,
    adminAddress: `${trimSlashes(location.adminUrl)} (cluster)`,
  };
}

/** The ingress of the host at `location`. */
export function ingressTransport(location: RestateLocation): IngressTransport {
  return restateTransports(location).ingress;
}

/** A transport for a server reached over TCP (a cluster's ingress or admin API). */
export function urlTransport(url: string): IngressTransport {
  return { url: trimSlashes(url), fetch: globalThis.fetch };
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Base URL used for socket connections: never resolved, never leaves the machine. */
export const SOCKET_BASE_URL = 'http://localhost';

const socketFetches = new Map<string, typeof globalThis.fetch>();

/** A transport for any HTTP server on a Unix socket (the ingress and the admin API alike). */
export function unixSocketTransport(socketPath: string): IngressTransport {
  let socketFetch = socketFetches.get(socketPath);
  if (!socketFetch) {
    socketFetch = unixSocketFetch(socketPath);
    socketFetches.set(socketPath, socketFetch);
  }
  return { url: SOCKET_BASE_URL, fetch: socketFetch };
}
