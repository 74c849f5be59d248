import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDirLayout } from '../../main/host/data-dir.js';
import { temporaryDataDir, waitFor } from '../../../test/support/temporary-host.js';
import { nodeMajorVersion } from './node-for-services.js';
import { isZombie } from '../../main/host/host-process.js';

/**
 * `spectra serve` as an analyst starts it: the launcher on the system Node
 * (Node 20 here, which starts the Node 22 host as a child), real host, real
 * restate-server. Killing any of them must leave nothing of the data dir
 * running, and the launcher restarts a host that dies.
 */
const SYSTEM_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find(existsSync) ?? process.execPath;
const SYSTEM_NODE_MAJOR = nodeMajorVersion(
  execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim(),
);
const scratch = temporaryDataDir('spectra-launcher-');
const started: ChildProcess[] = [];

afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  scratch.remove();
});

function startServe(dataDir: string) {
  const child = spawn(SYSTEM_NODE, ['bin/spectra.mjs', 'serve', '--no-ui', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

/** Live (not zombie) processes whose command line names the data dir: host and restate-server. */
function processesOf(dataDir: string): { pid: number; commandLine: string }[] {
  const found: { pid: number; commandLine: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (commandLine.includes(dataDir) && !isZombie(pid)) found.push({ pid, commandLine });
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

function hostPid(dataDir: string): number | undefined {
  try {
    return (
      JSON.parse(readFileSync(dataDirLayout(dataDir).hostInfoFile, 'utf8')) as { pid: number }
    ).pid;
  } catch {
    return undefined;
  }
}

describe.skipIf(process.platform !== 'linux')(
  `spectra launcher on Node ${SYSTEM_NODE_MAJOR}`,
  () => {
    it('SIGKILL of the launcher leaves no process of the data dir within 5 s, and serve starts again', async () => {
      const first = startServe(scratch.dataDir);
      await waitFor(
        'serve to start',
        () => first.output().includes('Press Ctrl-C to stop.'),
        60_000,
      );
      const running = processesOf(scratch.dataDir);
      expect(running.some((process) => process.commandLine.includes('restate-server'))).toBe(true);
      expect(running.some((process) => process.commandLine.includes('main.js serve'))).toBe(true);

      first.child.kill('SIGKILL');
      await first.exited;
      await waitFor(
        'every process of the data dir to exit',
        () => processesOf(scratch.dataDir).length === 0,
        5_000,
      );

      const second = startServe(scratch.dataDir);
      await waitFor(
        'serve to start again',
        () => second.output().includes('Press Ctrl-C to stop.'),
        60_000,
      );
      // A command that only talks to the host runs in the launcher's process, on the host it found.
      const listed = execFileSync(
        SYSTEM_NODE,
        ['bin/spectra.mjs', 'campaigns', '--data-dir', scratch.dataDir],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(listed).toContain('No campaigns yet');
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);
      expect(processesOf(scratch.dataDir)).toEqual([]);
    });

    it('restarts a host that is SIGKILLed, and its restate-server never outlives it', async () => {
      const serve = startServe(scratch.dataDir);
      await waitFor(
        'serve to start',
        () => serve.output().includes('Press Ctrl-C to stop.'),
        60_000,
      );
      const firstHost = hostPid(scratch.dataDir)!;
      const firstServer = Number(
        readFileSync(dataDirLayout(scratch.dataDir).restatePidFile, 'utf8'),
      );

      process.kill(firstHost, 'SIGKILL');
      await waitFor(
        'a new host on the data dir',
        () => {
          const pid = hostPid(scratch.dataDir);
          return pid !== undefined && pid !== firstHost;
        },
        30_000,
      );
      expect(serve.output()).toContain('the host exited (SIGKILL); restarting it');
      const pids = processesOf(scratch.dataDir).map((process) => process.pid);
      expect(pids).not.toContain(firstHost);
      expect(pids).not.toContain(firstServer);

      serve.child.kill('SIGINT');
      expect(await serve.exited).toBe(0);
      expect(processesOf(scratch.dataDir)).toEqual([]);
    });
  },
);
