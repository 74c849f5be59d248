import { getSystemErrorName } from 'node:util';

/**
 * Node's own TCP handle (the libuv wrapper `net.Socket` is built on), used
 * for the connect phase of a port probe. On loopback a connect scan is bound
 * by per-connection CPU cost, and a `net.Socket` costs a stream object, its
 * state machines and, for every closed port, an Error with a stack trace:
 * about 2.5x what the handle alone costs (25,600 probes: ~0.9 s vs ~0.4 s
 * here, nmap -sT ~0.35 s). Only an open port whose banner is wanted gets
 * wrapped in a `net.Socket` (`new Socket({ handle })`, as net.Server does
 * for accepted connections). Where the binding is missing (a future Node
 * that drops `process.binding`), `RAW_TCP` is undefined and the engine uses
 * `net.Socket` throughout.
 */
export interface TcpHandle {
  connect(request: ConnectRequest, address: string, port: number): number;
  connect6(request: ConnectRequest, address: string, port: number): number;
  close(callback?: () => void): void;
  /** Closes with a reset (SO_LINGER 0): no TIME_WAIT left behind, as nmap -sT does. */
  reset(callback?: () => void): number;
}

export interface ConnectRequest {
  oncomplete: (status: number, handle: TcpHandle) => void;
}

export interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectRequest;
  constants: { SOCKET: number };
}

function loadTcpWrap(): TcpWrapBinding | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding(
      'tcp_wrap',
    ) as Partial<TcpWrapBinding> | undefined;
    if (
      typeof binding?.TCP === 'function' &&
      typeof binding.TCPConnectWrap === 'function' &&
      typeof binding.constants?.SOCKET === 'number' &&
      typeof binding.TCP.prototype.reset === 'function'
    ) {
      return binding as TcpWrapBinding;
    }
  } catch {
    // No binding: the engine falls back to net.Socket.
  }
  return undefined;
}

export const RAW_TCP = loadTcpWrap();

/**
 * A connect request, reusable for one connect after another: a probe slot
 * keeps one, so a probe allocates only its handle. `onComplete` gets libuv's
 * status (0, or a negative errno) and the handle.
 */
export function createConnectRequest(
  binding: TcpWrapBinding,
  onComplete: (status: number, handle: TcpHandle) => void,
): ConnectRequest {
  const request = new binding.TCPConnectWrap();
  request.oncomplete = onComplete;
  return request;
}

/**
 * Starts a connect to `host:port` (an IP literal of `family` 4 or 6) on a
 * fresh handle. The request must not have a connect still pending (a connect
 * abandoned by closing its handle completes later, with ECANCELED). Returns
 * the handle, or the error code when the connect could not even start
 * (EMFILE and friends).
 */
export function startRawConnect(
  binding: TcpWrapBinding,
  request: ConnectRequest,
  host: string,
  port: number,
  family: number,
): { handle: TcpHandle } | { errorCode: string } {
  const handle = new binding.TCP(binding.constants.SOCKET);
  const status =
    family === 6 ? handle.connect6(request, host, port) : handle.connect(request, host, port);
  if (status !== 0) {
    handle.close();
    return { errorCode: errorCodeOf(status) };
  }
  return { handle };
}

const errorCodes = new Map<number, string>();

/** `ECONNREFUSED` for libuv's -111, and so on (remembered: every closed port asks). */
export function errorCodeOf(status: number): string {
  let code = errorCodes.get(status);
  if (code === undefined) {
    try {
      code = getSystemErrorName(status);
    } catch {
      code = `E${-status}`;
    }
    errorCodes.set(status, code);
  }
  return code;
}
