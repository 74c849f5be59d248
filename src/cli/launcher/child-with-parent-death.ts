import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withParentDeathSignal } from '../../main/host/parent-death-signal.js';
import { LAUNCHER_PID_VARIABLE } from './launcher-watch.js';

/**
 * Spawns `command` so that it dies with this process, however this process
 * dies: on Linux the kernel SIGKILLs it (setpriv's parent-death signal, as the
 * host does for restate-server), and the child also watches its parent's pid
 * (see launcher-watch.ts) for platforms without one. A SIGKILLed child takes
 * its own restate-server down the same way.
 */
export function spawnWithParentDeath(
  command: string,
  args: string[],
  environment: Record<string, string>,
): ChildProcess {
  const [file, ...fileArgs] = withParentDeathSignal([command, ...args]).commandLine;
  return spawn(file!, fileArgs, {
    stdio: 'inherit',
    env: {
      ...process.env,
      // Node >= 22.1 caches compiled code here, which cuts the child's start-up.
      NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'node-compile-cache'),
      ...environment,
      [LAUNCHER_PID_VARIABLE]: String(process.pid),
    },
  });
}

/** The exit status a shell expects from a child that ended with `code` or `signal`. */
export function exitStatusOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const signals: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (signal ? (signals[signal] ?? 1) : 1);
}
