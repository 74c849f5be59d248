import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isHostProcessRunning } from '../../main/host/host-process.js';
import { launcherDataDir, readHostInfo, RUNNING_HOST_VARIABLE } from './host-info-file.js';
import { nodeCanRunServices } from '../../main/host/services-node-version.js';

/**
 * The `spectra` launcher (out/cli/launcher.js, started by bin/spectra.mjs on
 * whatever Node runs it). It decides where the compiled CLI (main.js) runs:
 * - help and version, and commands that only talk to a running host: right
 *   here, on any Node >= 20 (no second process);
 * - `serve`: in a child process that dies with the launcher, restarted when it
 *   dies (launch-in-child.ts, serve-supervisor.ts);
 * - everything else: right here on Node >= 22, else in a child on Node 22.
 */
const runtimeDir = dirname(fileURLToPath(import.meta.url));
const projectRoot = join(runtimeDir, '..', '..');
const mainScript = join(runtimeDir, 'main.js');
const args = process.argv.slice(2);

const HELP_FLAGS = ['--help', '-h'];

/** Commands that only print text: they need neither the services nor Node 22. */
function onlyPrintsHelp(argv: string[]): boolean {
  if (argv.length === 0) return true;
  const [first = '', second = ''] = argv;
  if ([...HELP_FLAGS, 'help', '--version'].includes(first)) return true;
  return argv.length === 2 && HELP_FLAGS.includes(second);
}

/**
 * Commands that only talk to a running host through its ingress (no Restate
 * SDK, which needs Node 22): with a host up, they run right here. Without
 * one they would start a host, which needs Node 22.
 */
const INGRESS_CLIENT_COMMANDS = new Set([
  'scan',
  'attach',
  'campaigns',
  'campaign',
  'approvals',
  'approve',
  'reject',
  'threats',
  'threat',
  'triage',
  'recheck',
  'schedule',
  'schedules',
  'unschedule',
]);

/** Whether a host runs on the command's data dir; if so, the command run here is handed it. */
function hostIsRunning(argv: string[]): boolean {
  const dataDir = launcherDataDir(argv);
  const info = readHostInfo(dataDir);
  if (!info || !isHostProcessRunning(info.pid)) return false;
  process.env[RUNNING_HOST_VARIABLE] = JSON.stringify({ dataDir: resolve(dataDir), info });
  return true;
}

async function runHere(): Promise<void> {
  // Node >= 22.1 keeps V8's compiled code of main.js between runs (a no-op before).
  const { enableCompileCache } = (await import('node:module')) as {
    enableCompileCache?: () => unknown;
  };
  enableCompileCache?.();
  await import(pathToFileURL(mainScript).href);
}

try {
  if (
    onlyPrintsHelp(args) ||
    (args[0] !== 'serve' && nodeCanRunServices()) ||
    (INGRESS_CLIENT_COMMANDS.has(args[0] ?? '') && hostIsRunning(args.slice(1)))
  ) {
    await runHere();
  } else if (args[0] === 'serve' && !args.slice(1).some((arg) => HELP_FLAGS.includes(arg))) {
    const { serveInChild } = await import('./launch-in-child.js');
    process.exitCode = await serveInChild(projectRoot, mainScript, args);
  } else {
    const { runInChild } = await import('./launch-in-child.js');
    process.exitCode = await runInChild(projectRoot, mainScript, args);
  }
} catch (error) {
  process.stderr.write(`spectra: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
