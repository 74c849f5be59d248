import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SpectraServe {
  uiUrl: string;
  ingressUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Spawns `spectra serve` on a fresh data dir with the project's Node 22 (so
 * the process that gets SIGINT is the host itself, not a re-exec launcher)
 * and resolves once it prints its UI address.
 */
export async function startSpectraServe(): Promise<SpectraServe> {
  const rendererIndex = join(PROJECT_ROOT, 'out', 'renderer', 'index.html');
  if (!existsSync(rendererIndex))
    throw new Error('out/renderer is missing: run `npx electron-vite build` before the e2e suite');
  const dataDir = mkdtempSync(join(tmpdir(), 'spectra-e2e-'));
  const node = join(PROJECT_ROOT, 'node_modules', '.bin', 'node');
  const child = spawn(
    node,
    [join(PROJECT_ROOT, 'bin', 'spectra.mjs'), 'serve', '--data-dir', dataDir],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => resolveExit(code)),
  );
  const uiUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`spectra serve did not start:\n${output}`)),
      90_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /UI:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`spectra serve exited (${code}) before starting:\n${output}`));
    });
  });
  const hostInfo = JSON.parse(readFileSync(join(dataDir, 'host.json'), 'utf8')) as {
    ingressUrl: string;
  };
  return {
    uiUrl,
    ingressUrl: hostInfo.ingressUrl,
    dataDir,
    stop: () => stopProcess(child, exited, dataDir),
  };
}

async function stopProcess(
  child: ChildProcess,
  exited: Promise<number | null>,
  dataDir: string,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killTimer);
  }
  rmSync(dataDir, { recursive: true, force: true });
}
