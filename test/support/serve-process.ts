import { readFileSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { dataDirLayout, HostInfo } from '../../src/main/host/data-dir.js';
import { ingressTransport, type IngressTransport } from '../../src/main/host/ingress-transport.js';
import { waitFor } from './temporary-host.js';

export interface ServeProcess {
  child: ResultPromise;
  /** The host's ingress over its Unix socket: `connectSpectra(serve.ingress)`. */
  ingress: IngressTransport;
  /** host.json as the host wrote it (socket paths, pid). */
  info: HostInfo;
  /** The browser-mode UI origin, when started with `{ ui: true }`. */
  uiUrl?: string;
  /** restate-server's pid, read from the data dir. */
  serverPid(): number;
  /** Ctrl-C and wait for a clean exit. */
  stop(): Promise<void>;
}

/**
 * `spectra serve --no-ui` as a separate process, so tests can SIGKILL the
 * process that runs the services endpoint (`spectra serve` is the host
 * itself, so a kill hits the host).
 */
export async function startServeProcess(
  dataDir: string,
  options: { ui?: boolean; extraArguments?: string[] } = {},
): Promise<ServeProcess> {
  const layout = dataDirLayout(dataDir);
  const uiArguments = options.ui ? [] : ['--no-ui'];
  const serveArguments = [...uiArguments, ...(options.extraArguments ?? [])];
  const child = execa(
    'node',
    ['bin/spectra.mjs', 'serve', ...serveArguments, '--data-dir', dataDir],
    {
      preferLocal: true,
      reject: false,
      stdin: 'ignore',
    },
  );
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
  const info = HostInfo.parse(JSON.parse(readFileSync(layout.hostInfoFile, 'utf8')));
  return {
    child,
    ingress: ingressTransport(info),
    info,
    uiUrl: /UI:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1],
    serverPid: () => Number(readFileSync(layout.restatePidFile, 'utf8')),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGINT');
      // A host that does not stop within the bound is killed: tests end by themselves.
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await child;
      clearTimeout(killTimer);
    },
  };
}
