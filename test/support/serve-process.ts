import { readFileSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { dataDirLayout } from '../../src/main/host/data-dir.js';
import { waitFor } from './temporary-host.js';

export interface ServeProcess {
  child: ResultPromise;
  ingressUrl: string;
  /** restate-server's pid, read from the data dir. */
  serverPid(): number;
  /** Ctrl-C and wait for a clean exit. */
  stop(): Promise<void>;
}

/**
 * `spectra serve --no-ui` as a separate process, so tests can SIGKILL the
 * process that runs the services endpoint. Runs on the project's Node 22
 * directly (no launcher in between), so a kill hits the host itself.
 */
export async function startServeProcess(dataDir: string): Promise<ServeProcess> {
  const layout = dataDirLayout(dataDir);
  const child = execa('node', ['bin/spectra.mjs', 'serve', '--no-ui', '--data-dir', dataDir], {
    preferLocal: true,
    reject: false,
    stdin: 'ignore',
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(
    'spectra serve to start',
    () => {
      if (child.exitCode !== null) throw new Error(`spectra serve exited early:\n${output}`);
      return output.includes('Press Ctrl-C to stop.');
    },
    60_000,
  );
  const info = JSON.parse(readFileSync(layout.hostInfoFile, 'utf8')) as { ingressUrl: string };
  return {
    child,
    ingressUrl: info.ingressUrl,
    serverPid: () => Number(readFileSync(layout.restatePidFile, 'utf8')),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await child;
    },
  };
}
