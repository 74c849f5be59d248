import { execa, type ResultPromise } from 'execa';
import { waitFor } from '../support/temporary-host.js';

export interface SpectraProcess {
  child: ResultPromise;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A `spectra` command (`worker`, or `serve` in cluster mode) as its own
 * process (the command runs in that one process), so a test can SIGKILL it
 * like a machine that dies. Resolves once it prints that it runs.
 */
export async function startSpectraProcess(argv: string[]): Promise<SpectraProcess> {
  const child = execa('node', ['bin/spectra.mjs', ...argv], {
    preferLocal: true,
    reject: false,
    stdin: 'ignore',
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(
    `spectra ${argv[0]} to start`,
    () => {
      if (child.exitCode !== null) throw new Error(`spectra ${argv[0]} exited early:\n${output}`);
      return output.includes('Press Ctrl-C to stop.');
    },
    90_000,
  );
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await child;
      clearTimeout(killTimer);
    },
  };
}
