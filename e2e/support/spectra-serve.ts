import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServeProcess } from '../../test/support/serve-process';
import type { IngressTransport } from '../../src/main/host/ingress-transport';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SpectraServe {
  uiUrl: string;
  ingress: IngressTransport;
  dataDir: string;
  /** Stops the host (SIGINT) but keeps its data dir, as an analyst's Ctrl-C would. */
  stopHostOnly(): Promise<void>;
  /** Starts the host again on the same data dir; resolves with its UI address. */
  startAgain(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * `spectra serve` with the browser UI on a fresh data dir (the same helper the
 * integration tests use, so SIGINT reaches the host itself), once the built
 * renderer exists.
 */
export async function startSpectraServe(): Promise<SpectraServe> {
  const rendererIndex = join(PROJECT_ROOT, 'out', 'renderer', 'index.html');
  if (!existsSync(rendererIndex))
    throw new Error('out/renderer is missing: run `npx electron-vite build` before the e2e suite');
  const dataDir = mkdtempSync(join(tmpdir(), 'spectra-e2e-'));
  let serve = await startServeProcess(dataDir, { ui: true });
  let running = true;
  if (!serve.uiUrl) {
    await serve.stop();
    throw new Error('spectra serve started without printing its UI address');
  }
  return {
    uiUrl: serve.uiUrl,
    ingress: serve.ingress,
    dataDir,
    stopHostOnly: async () => {
      await serve.stop();
      running = false;
    },
    startAgain: async () => {
      serve = await startServeProcess(dataDir, { ui: true });
      running = true;
      return serve.uiUrl ?? '';
    },
    stop: async () => {
      if (running) await serve.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
