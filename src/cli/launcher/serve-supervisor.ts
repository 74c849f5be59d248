import type { ChildProcess } from 'node:child_process';
import {
  DEFAULT_RESTART_POLICY,
  RestartBudget,
  type RestartPolicy,
} from '../../main/host/restart-policy.js';
import { exitStatusOf } from './child-with-parent-death.js';
import { isProcessAlive } from '../../main/host/host-process.js';
import { readHostInfo } from './host-info-file.js';
import { removeStaleHostInfo } from './stale-host-info.js';

export interface ServeSupervisorOptions {
  dataDir: string;
  /** Starts one host process (`spectra serve` in a child that dies with us). */
  spawnHost(): ChildProcess;
  restartPolicy?: RestartPolicy;
  report(line: string): void;
}

/**
 * `spectra serve`'s launcher: runs the host in a child process and restarts it
 * when it dies after it was up, with the backoff and give-up rule the host
 * applies to restate-server. A host that fails before it is up (a bad flag,
 * another host on the data dir) is not restarted: its message stands.
 * Resolves with the exit status for the launcher.
 */
export async function superviseServe(options: ServeSupervisorOptions): Promise<number> {
  const budget = new RestartBudget(options.restartPolicy ?? DEFAULT_RESTART_POLICY);
  let stopping = false;
  let child: ChildProcess | undefined;
  let wakeUp: (() => void) | undefined;
  const forward = (signal: NodeJS.Signals) => () => {
    stopping = true;
    // Ctrl-C in a terminal reaches the host through the process group too;
    // serve's stop is idempotent, and a supervisor's kill reaches only us.
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    wakeUp?.();
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGHUP', forward('SIGTERM'));

  for (;;) {
    removeStaleHostInfo(options.dataDir, isProcessAlive);
    const current = options.spawnHost();
    child = current;
    const readiness = watchReadiness(options.dataDir, current);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      current.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    readiness.stop();
    const status = exitStatusOf(code, signal);
    if (stopping || !readiness.wasReady() || code === 0) return status;

    const how = signal ?? `exit code ${code}`;
    const decision = budget.onExit(Date.now());
    if (!decision.restart) {
      options.report(
        `spectra serve: the host exited ${decision.exitsInWindow} times within ${(options.restartPolicy ?? DEFAULT_RESTART_POLICY).windowMs / 1000}s (last: ${how}); giving up`,
      );
      return status || 1;
    }
    options.report(
      `spectra serve: the host exited (${how}); restarting it in ${decision.delayMs} ms (attempt ${decision.attempt})`,
    );
    await new Promise<void>((resolve) => {
      wakeUp = resolve;
      setTimeout(resolve, decision.delayMs);
    });
    wakeUp = undefined;
    if (stopping) return status;
  }
}

/** The host is up once host.json names its pid (written after registration). */
function watchReadiness(dataDir: string, child: ChildProcess) {
  let ready = false;
  const check = () => {
    if (!ready && child.pid !== undefined && readHostInfo(dataDir)?.pid === child.pid) {
      ready = true;
      clearInterval(timer);
    }
  };
  const timer = setInterval(check, 200);
  return {
    wasReady: () => {
      check();
      return ready;
    },
    stop: () => clearInterval(timer),
  };
}
