import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirLayout } from '../main/host/data-dir.js';
import { isZombie } from '../main/host/host-process.js';
import { generateLab, startLoopbackLab, type LoopbackLab } from '../../test/lab/loopback-lab.js';
import { temporaryDataDir, waitFor } from '../../test/support/temporary-host.js';

/**
 * `spectra serve` as an analyst starts it: bin/spectra.mjs executed (its first
 * line picks the `node` in PATH and the host's malloc settings), with the
 * system's Node first in PATH (Node 20 here, older than the SDK's own
 * target: the services provide what it lacks), a real host and a real
 * restate-server. The host is the process the analyst started; killing it
 * must leave nothing of the data dir running.
 */
const SYSTEM_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find(existsSync) ?? process.execPath;
const SYSTEM_NODE_VERSION = execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], {
  encoding: 'utf8',
}).trim();
const ANALYST_PATH = `${dirname(SYSTEM_NODE)}:${process.env.PATH ?? ''}`;
const LAB_BASE = '127.67.0.0';
const scratch = temporaryDataDir('spectra-serve-');
const started: ChildProcess[] = [];
let lab: LoopbackLab;

beforeAll(async () => {
  lab = await startLoopbackLab(generateLab({ base: LAB_BASE, hostCount: 2 }), {
    waitForAddressMs: 10_000,
  });
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  await lab?.close();
  scratch.remove();
});

function spectraCommand(args: string[]) {
  return { file: 'bin/spectra.mjs', args, env: { ...process.env, PATH: ANALYST_PATH } };
}

function startServe(dataDir: string) {
  const command = spectraCommand(['serve', '--no-ui', '--data-dir', dataDir]);
  const child = spawn(command.file, command.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: command.env,
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

function spectra(args: string[]): string {
  const command = spectraCommand(args);
  return execFileSync(command.file, command.args, {
    encoding: 'utf8',
    timeout: 60_000,
    env: command.env,
  });
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
  `spectra serve on the system Node (${SYSTEM_NODE_VERSION})`,
  () => {
    it('is one process with its restate-server, and runs a campaign on this Node', async () => {
      const serve = startServe(scratch.dataDir);
      await waitFor(
        'serve to start',
        () => serve.output().includes('Press Ctrl-C to stop.'),
        60_000,
      );
      // No second Node process: the host is the process the analyst started.
      expect(hostPid(scratch.dataDir)).toBe(serve.child.pid);
      const running = processesOf(scratch.dataDir);
      expect(running.map((process) => process.pid).sort()).toEqual(
        [
          serve.child.pid!,
          Number(readFileSync(dataDirLayout(scratch.dataDir).restatePidFile, 'utf8')),
        ].sort(),
      );
      // Started through its first line: the system Node, with the host's malloc settings.
      expect(readlinkSync(`/proc/${serve.child.pid}/exe`)).toBe(realpathSync(SYSTEM_NODE));
      const environment = readFileSync(`/proc/${serve.child.pid}/environ`, 'utf8').split('\0');
      expect(environment).toEqual(expect.arrayContaining(['MALLOC_ARENA_MAX=2']));

      // A campaign end to end: every invocation of the workflow and the objects runs on this Node.
      const report = JSON.parse(
        spectra([
          ...['scan', '--targets', `${lab.hosts[0]}-${lab.hosts[1]}`, '--ports', '22,80'],
          ...['--scope', `${LAB_BASE}/16`, '--json', '--data-dir', scratch.dataDir],
        ]),
      ) as { state: string; totals: { hostsUp: number; openPorts: number } };
      expect(report.state).toBe('completed');
      expect(report.totals).toMatchObject({ hostsUp: 2, openPorts: 4 });

      serve.child.kill('SIGINT');
      expect(await serve.exited).toBe(0);
      expect(processesOf(scratch.dataDir)).toEqual([]);
    });

    it('SIGKILL of serve leaves no process of the data dir within 5 s, and serve starts again', async () => {
      const first = startServe(scratch.dataDir);
      await waitFor(
        'serve to start',
        () => first.output().includes('Press Ctrl-C to stop.'),
        60_000,
      );
      const running = processesOf(scratch.dataDir);
      expect(running.some((process) => process.commandLine.includes('restate-server'))).toBe(true);
      expect(running.some((process) => process.commandLine.includes('serve'))).toBe(true);

      first.child.kill('SIGKILL');
      await first.exited;
      await waitFor(
        'every process of the data dir to exit',
        () => processesOf(scratch.dataDir).length === 0,
        5_000,
      );

      // host.json is left behind by the killed host: the next serve sees it is stale.
      expect(hostPid(scratch.dataDir)).toBe(first.child.pid);
      const second = startServe(scratch.dataDir);
      await waitFor(
        'serve to start again',
        () => second.output().includes('Press Ctrl-C to stop.'),
        60_000,
      );
      // The campaign of the first test, kept by the data dir across the kill.
      expect(spectra(['campaigns', '--data-dir', scratch.dataDir])).toMatch(
        / completed .*127\.67\.0\.1-127\.67\.0\.2/,
      );
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);
      expect(processesOf(scratch.dataDir)).toEqual([]);
    });
  },
);
