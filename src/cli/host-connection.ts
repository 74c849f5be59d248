import * as clients from '@restatedev/restate-sdk-clients';
import { existsSync } from 'node:fs';
import { readRunningHostInfo } from '../main/host/data-dir.js';
import { probeWritable } from '../main/host/disk-fault.js';
import type { Host } from '../main/host/host-runtime.js';
import { ingressTransport, type IngressTransport } from '../main/host/ingress-transport.js';
import { APP_VERSION } from './app-version.js';
import { CliError } from './cli-error.js';

/**
 * Every request of a `spectra` command to the host ends within this: a host
 * whose restate-server has stopped accepting writes (full disk) answers
 * health checks but holds calls open, and a command must never hang.
 */
export const HOST_REQUEST_TIMEOUT_MS = 30_000;

export interface HostConnection {
  ingress: clients.Ingress;
  /** The raw transport (`{ url, fetch }`), with the same timeout as `ingress`. */
  transport: IngressTransport;
  /** Set when this command started the host itself (it stops with the command). */
  temporaryHost?: Host;
  close(): Promise<void>;
}

/**
 * Talks to the host already running on `dataDir` (`spectra serve` or the app),
 * or starts one for the duration of the command: the journal lives in the
 * data dir, so work started here continues whenever a host runs on it again.
 */
export async function connectToHost(dataDir: string): Promise<HostConnection> {
  const running = connectToRunningHost(dataDir);
  if (running) return running;
  // The host and the services load only when this command starts a host: a
  // command talking to a running host stays small and starts fast.
  const [{ startHost, DataDirUnwritable }, { servicesForDataDir }] = await Promise.all([
    import('../main/host/host-runtime.js'),
    import('../main/app-services.js'),
  ]);
  const host = await startHost({
    dataDir,
    appVersion: APP_VERSION,
    services: servicesForDataDir(dataDir),
  }).catch((error: unknown) => {
    throw error instanceof DataDirUnwritable ? new CliError(error.message) : error;
  });
  const transport = withRequestTimeout(host.ingress);
  return {
    ingress: clients.connect(transport),
    transport,
    temporaryHost: host,
    close: () => host.close(),
  };
}

/** Talks to the host already running on `dataDir`; undefined (and nothing started) when none runs. */
export function connectToRunningHost(dataDir: string): HostConnection | undefined {
  const running = readRunningHostInfo(dataDir);
  if (!running) return undefined;
  // Said up front, in one line: a host on a data dir that takes no writes cannot make progress.
  // (Without a running host, startHost probes the data dir itself: one probe per command.)
  const fault = existsSync(dataDir) ? probeWritable(dataDir) : undefined;
  if (fault) process.stderr.write(`spectra: warning: ${fault.message}\n`);
  const transport = withRequestTimeout(ingressTransport(running));
  return { ingress: clients.connect(transport), transport, close: async () => {} };
}

/** A request of a command that the host held open past the command's request timeout. */
export class HostDidNotAnswer extends CliError {
  constructor(timeoutMs: number) {
    super(
      `the host did not answer within ${timeoutMs / 1000} s (is its data dir full or read-only? run spectra doctor)`,
    );
  }
}

/**
 * The same transport, but every request is aborted after `timeoutMs` with a
 * one-line CliError that says what to check, instead of hanging.
 */
export function withRequestTimeout(
  transport: IngressTransport,
  timeoutMs = HOST_REQUEST_TIMEOUT_MS,
): IngressTransport {
  const timed: typeof globalThis.fetch = async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await transport.fetch(input, { ...init, signal });
    } catch (error) {
      if (timeout.aborted) throw new HostDidNotAnswer(timeoutMs);
      if (isConnectionFailure(error)) {
        throw new CliError(
          'cannot reach the host: its restate-server is not answering (stopped or restarting? run spectra doctor)',
        );
      }
      throw error;
    }
  };
  return { url: transport.url, fetch: timed };
}

function isConnectionFailure(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(cause?.code ?? '');
}

/** Runs `action` against the host, always closing a temporary host afterwards. */
export async function withHost<T>(
  dataDir: string,
  action: (connection: HostConnection) => T | PromiseLike<T>,
): Promise<T> {
  const connection = await connectToHost(dataDir);
  try {
    return await action(connection);
  } finally {
    await connection.close();
  }
}

/**
 * Makes `call` again each time the request timeout ends the wait, until the
 * host answers or `waitMs` passes (then HostDidNotAnswer). `call` must carry
 * an idempotency key: Restate then attaches each new request to the
 * invocation the first one started instead of starting another.
 */
export async function waitForAnswer<T>(call: () => PromiseLike<T>, waitMs: number): Promise<T> {
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof HostDidNotAnswer) || Date.now() >= giveUpAt) throw error;
    }
  }
}

/** Restate's ingress errors carry the handler's TerminalError text in a JSON body; keep only that. */
export function describeIngressError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const body = message.slice(message.indexOf('{'));
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not a JSON error body: show it as it came.
  }
  return message;
}
