import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '../../src/main/host/host-process.js';
import { startHost, type Host, type HostOptions } from '../../src/main/host/host-runtime.js';

/** A fresh data dir under the system temp dir, removed by the returned cleanup. */
export function temporaryDataDir(prefix = 'spectra-test-'): {
  dataDir: string;
  remove: () => void;
} {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  return { dataDir, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** Starts a real host (real restate-server, random loopback ports) on its own temp dir. */
export async function startTemporaryHost(
  options: Omit<HostOptions, 'dataDir' | 'appVersion'> & { appVersion?: string; dataDir?: string },
): Promise<Host & { dispose: () => Promise<void> }> {
  const scratch = options.dataDir ? undefined : temporaryDataDir();
  const host = await startHost({
    appVersion: '0.0.0-test',
    ...options,
    dataDir: options.dataDir ?? scratch!.dataDir,
  });
  return Object.assign(host, {
    dispose: async () => {
      await host.close();
      scratch?.remove();
    },
  });
}

export function isAlive(pid: number | undefined): boolean {
  return pid !== undefined && pid > 0 && isProcessAlive(pid);
}

/** Polls `condition` every 50 ms until it holds or `timeoutMs` passes (then throws `what`). */
export async function waitFor<T>(
  what: string,
  condition: () => T | PromiseLike<T>,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A temporary host serving every Spectra-Red service, with its own knowledge dir. */
export async function startTemporaryAppHost(): Promise<Host & { dispose: () => Promise<void> }> {
  const { servicesForDataDir } = await import('../../src/main/app-services.js');
  const scratch = temporaryDataDir();
  const host = await startTemporaryHost({
    dataDir: scratch.dataDir,
    services: servicesForDataDir(scratch.dataDir),
  });
  return Object.assign(host, {
    dispose: async () => {
      await host.close();
      scratch.remove();
    },
  });
}
