import * as clients from '@restatedev/restate-sdk-clients';
import { readRunningHostInfo } from '../main/host/data-dir.js';
import { startHost, type Host } from '../main/host/host-runtime.js';
import { servicesForDataDir } from '../main/app-services.js';
import { APP_VERSION } from './app-version.js';

export interface HostConnection {
  ingress: clients.Ingress;
  ingressUrl: string;
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
  const running = readRunningHostInfo(dataDir);
  if (running) {
    return {
      ingress: clients.connect({ url: running.ingressUrl }),
      ingressUrl: running.ingressUrl,
      close: async () => {},
    };
  }
  const host = await startHost({
    dataDir,
    appVersion: APP_VERSION,
    services: servicesForDataDir(dataDir),
  });
  return {
    ingress: clients.connect({ url: host.ingressUrl }),
    ingressUrl: host.ingressUrl,
    temporaryHost: host,
    close: () => host.close(),
  };
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
