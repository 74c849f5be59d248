import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirLayout } from '../main/host/data-dir.js';
import { isZombie } from '../main/host/host-process.js';
import { generateLab, startLoopbackLab, type LoopbackLab } from '../../test/lab/loopback-lab.js';
import { temporaryDataDir, waitFor } from '../../test/support/temporary-host.js';

/**
 * `spectra serve` as an analyst starts it: bin/spectra executed from a shell
 * whose PATH has the system's Node first (Node 20 here), a real host and a
 * real restate-server. bin/spectra execs the project's Node 22 with the host's
 * malloc settings: one process, the host itself, so killing it must leave
 * nothing of the data dir running. Also `node bin/spectra.mjs` on the system
 * Node itself, older than the SDK's own target: the services provide what it
 * lacks (services-node-version.ts) and a campaign must run on it.
 */
const SYSTEM_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find(existsSync) ?? process.execPath;
const SYSTEM_NODE_VERSION = execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], {
  encoding: 'utf8',
}).trim();
const PROJECT_NODE = realpathSync('node_modules/node/bin/node');
const ANALYST_ENVIRONMENT = {
  ...process.env,
  PATH: `${dirname(SYSTEM_NODE)}:${process.env.PATH ?? ''}`,
};
const LAB_BASE = '127.67.0.0';
/** One data dir per way of starting; the SIGKILL test reuses the first, with its campaign. */
const dataDirs = [temporaryDataDir('spectra-serve-'), temporaryDataDir('spectra-serve-node-')];
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
  for (const scratch of dataDirs) scratch.remove();
});

/** How `spectra` is started: the command (bin/spectra), or its JavaScript half on a given Node. */
type Launch = { file: string; leading: string[] };
const AS_ANALYSTS_RUN_IT: Launch = { file: 'bin/spectra', leading: [] };
const ON_THE_SYSTEM_NODE: Launch = { file: SYSTEM_NODE, leading: ['bin/spectra.mjs'] };

function startServe(dataDir: string, launch = AS_ANALYSTS_RUN_IT) {
  const child = spawn(launch.file, [...launch.leading, 'serve', '--no-ui', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: ANALYST_ENVIRONMENT,
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
  return execFileSync(AS_ANALYSTS_RUN_IT.file, args, {
    encoding: 'utf8',
    timeout: 60_000,
    env: ANALYST_ENVIRONMENT,
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

describe.skipIf(process.platform !== 'linux')('spectra serve', () => {
  it.each([
    ['bin/spectra', AS_ANALYSTS_RUN_IT, PROJECT_NODE, 0],
    [`the system Node ${SYSTEM_NODE_VERSION}`, ON_THE_SYSTEM_NODE, realpathSync(SYSTEM_NODE), 1],
  ] as const)(
    'started by %s is one process with its restate-server, and runs a campaign',
    async (_how, launch, expectedNode, dataDirIndex) => {
      const { dataDir } = dataDirs[dataDirIndex]!;
      const serve = startServe(dataDir, launch);
      await waitFor(
        'serve to start',
        () => serve.output().includes('Press Ctrl-C to stop.'),
        60_000,
      );
      // No second Node process: the host is the process that was started.
      expect(hostPid(dataDir)).toBe(serve.child.pid);
      expect(readlinkSync(`/proc/${serve.child.pid}/exe`)).toBe(expectedNode);
      const running = processesOf(dataDir).map((process) => process.pid);
      const restateServer = Number(readFileSync(dataDirLayout(dataDir).restatePidFile, 'utf8'));
      expect(running.sort()).toEqual([serve.child.pid!, restateServer].sort());
      if (launch === AS_ANALYSTS_RUN_IT) {
        const environment = readFileSync(`/proc/${serve.child.pid}/environ`, 'utf8').split('\0');
        expect(environment).toEqual(expect.arrayContaining(['MALLOC_ARENA_MAX=2']));
      }

      // A campaign end to end: every invocation of the workflow and the objects runs on this Node.
      const report = JSON.parse(
        spectra([
          ...['scan', '--targets', `${lab.hosts[0]}-${lab.hosts[1]}`, '--ports', '22,80'],
          ...['--scope', `${LAB_BASE}/16`, '--json', '--data-dir', dataDir],
        ]),
      ) as { state: string; totals: { hostsUp: number; openPorts: number } };
      expect(report.state).toBe('completed');
      expect(report.totals).toMatchObject({ hostsUp: 2, openPorts: 4 });
      // The host log keeps the host's own lines, not two per invocation (hostLogLevel).
      const hostLog = readFileSync(dataDirLayout(dataDir).hostLogFile, 'utf8');
      expect(hostLog).toContain('"message":"host ready"');
      expect(hostLog).toMatch(
        /"message":"scanning batch 0 of c-\w+ \(2 targets, \w+\)","invocationId":"inv_\w+","target":"Scanner\/scanBatch"/,
      );
      expect(hostLog).not.toContain('Starting invocation.');
      expect(hostLog).not.toContain('Invocation completed successfully.');

      serve.child.kill('SIGINT');
      expect(await serve.exited).toBe(0);
      expect(processesOf(dataDir)).toEqual([]);
    },
  );

  it('SIGKILL of serve leaves no process of the data dir within 5 s, and serve starts again', async () => {
    const { dataDir } = dataDirs[0]!;
    const first = startServe(dataDir);
    await waitFor('serve to start', () => first.output().includes('Press Ctrl-C to stop.'), 60_000);
    const running = processesOf(dataDir);
    expect(running.some((process) => process.commandLine.includes('restate-server'))).toBe(true);
    expect(running.some((process) => process.commandLine.includes('serve'))).toBe(true);

    first.child.kill('SIGKILL');
    await first.exited;
    await waitFor(
      'every process of the data dir to exit',
      () => processesOf(dataDir).length === 0,
      5_000,
    );

    // host.json is left behind by the killed host: the next serve sees it is stale.
    expect(hostPid(dataDir)).toBe(first.child.pid);
    const second = startServe(dataDir);
    await waitFor(
      'serve to start again',
      () => second.output().includes('Press Ctrl-C to stop.'),
      60_000,
    );
    // The campaign of the first test on this data dir, kept across the kill.
    expect(spectra(['campaigns', '--data-dir', dataDir])).toMatch(
      / completed .*127\.67\.0\.1-127\.67\.0\.2/,
    );
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(processesOf(dataDir)).toEqual([]);
  });
});
