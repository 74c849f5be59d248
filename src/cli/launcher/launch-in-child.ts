import { exitStatusOf, spawnWithParentDeath } from './child-with-parent-death.js';
import { HOST_V8_FLAGS, hostEnvironment } from './host-process-settings.js';
import { launcherDataDir } from './host-info-file.js';
import { nodeForServices } from './node-for-services.js';
import { superviseServe } from './serve-supervisor.js';

/**
 * The launcher's paths that run the CLI (main.js) in a child process on a Node
 * that can run the services. A module of its own so that a command the
 * launcher runs in its own process (help, or talking to a running host) never
 * loads child_process and the supervisor. Loaded with one dynamic import:
 * importing these modules each on its own (in parallel) left `spectra serve`'s
 * launcher 4 MB larger (44.9 vs 49.3 MB RSS, idle).
 */

/** `spectra serve`: the host in a child that dies with the launcher, restarted when it dies. */
export function serveInChild(projectRoot: string, mainScript: string, args: string[]) {
  const node = nodeForServices(projectRoot);
  return superviseServe({
    dataDir: launcherDataDir(args.slice(1)),
    spawnHost: () =>
      spawnWithParentDeath(node.command, [...HOST_V8_FLAGS, mainScript, ...args], {
        ...node.environment,
        ...hostEnvironment(),
      }),
    report: (line) => process.stderr.write(line + '\n'),
  });
}

/** Any other command, in a child that dies with the launcher; resolves with its exit status. */
export function runInChild(projectRoot: string, mainScript: string, args: string[]) {
  const node = nodeForServices(projectRoot);
  const child = spawnWithParentDeath(node.command, [mainScript, ...args], node.environment);
  // Ctrl-C reaches the child through the terminal's process group; the
  // launcher only forwards what a supervisor sends to it alone.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(exitStatusOf(code, signal))),
  );
}
