import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import type { ServerState } from '../../shared/shell-contract.js';
import { removeFileQuietly, writePrivateFile } from './data-dir.js';
import type { IngressTransport } from './ingress-transport.js';
import {
  restateServerCommand,
  restateServerCommandEnvironment,
  type RestateServerCommandInput,
} from './restate-server-command.js';
import type { RotatingLogFile } from './rotating-log-file.js';
import type { StructuredLogger } from './structured-logger.js';
import { DEFAULT_RESTART_POLICY, RestartBudget, type RestartPolicy } from './restart-policy.js';

export type RestateServerState = ServerState;

export { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.js';

export interface SupervisedRestateServerOptions {
  command: RestateServerCommandInput;
  pidFile: string;
  /** Ingress and admin API over their Unix sockets. */
  ingress: IngressTransport;
  admin: IngressTransport;
  log: RotatingLogFile;
  logger: StructuredLogger;
  restartPolicy?: RestartPolicy;
  readinessTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export class RestateServerFailed extends Error {
  constructor(
    message: string,
    readonly lastLogLines: string[],
  ) {
    super(
      lastLogLines.length
        ? `${message}\n--- last lines of restate-server's log ---\n${lastLogLines.join('\n')}`
        : message,
    );
  }
}

/**
 * Runs restate-server as a child process and keeps it running: an unexpected
 * exit restarts it with exponential backoff on the same data dir (where the
 * journal survives), and too many exits in a short window end in a 'failed'
 * state with the server's last log lines instead of a restart loop.
 *
 * Events: 'state' (RestateServerState), 'restarted' (pid), 'fatal' (RestateServerFailed),
 * 'log-line' (string: each line the server prints).
 */
export class SupervisedRestateServer extends EventEmitter {
  private child: ResultPromise | undefined;
  private currentState: RestateServerState = 'stopped';
  private readonly restartBudget: RestartBudget;
  private readonly policy: RestartPolicy;

  constructor(private readonly options: SupervisedRestateServerOptions) {
    super();
    this.policy = options.restartPolicy ?? DEFAULT_RESTART_POLICY;
    this.restartBudget = new RestartBudget(this.policy);
  }

  get state(): RestateServerState {
    return this.currentState;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the server and resolves once ingress, admin and the admin query engine answer. */
  async start(): Promise<void> {
    killStaleServer(this.options.pidFile, this.options.logger);
    this.setState('starting');
    await this.spawnAndWaitReady();
    this.setState('ready');
  }

  /** Stop, then start again on the same data dir (restate-server re-enables writes only on restart). */
  async restartNow(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this.currentState === 'stopped') return;
    this.setState('stopping');
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => {
        this.options.logger.warn('restate-server did not stop in time; killing it');
        child.kill('SIGKILL');
      }, this.options.stopTimeoutMs ?? 10_000);
      await child.catch(() => undefined);
      clearTimeout(killTimer);
    }
    removeFileQuietly(this.options.pidFile);
    this.setState('stopped');
  }

  private async spawnAndWaitReady(): Promise<void> {
    const { log, logger } = this.options;
    // On Linux, setpriv makes the kernel SIGKILL the server when the host dies,
    // whatever way it dies: the server never outlives the process that owns it.
    const { command, args, parentDeathSignal, offlineResolver } = restateServerCommand(
      this.options.command,
    );
    const child = execa(command, args, {
      env: {
        ...environmentWithoutRestateOverrides(),
        ...restateServerCommandEnvironment(this.options.command),
      },
      ...RESTATE_SERVER_SPAWN_OPTIONS,
    });
    this.child = child;
    const onOutput = (chunk: Buffer) => {
      log.write(chunk);
      // Whole lines are not guaranteed per chunk; the patterns looked for are short.
      if (this.listenerCount('log-line') > 0) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line) this.emit('log-line', line);
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    if (child.pid) writeServerPidFile(this.options.pidFile, child.pid, logger);
    logger.info('restate-server spawned', { pid: child.pid, parentDeathSignal, offlineResolver });
    if (!offlineResolver) {
      logger.warn(
        'no private mount namespace here (unshare -rm refused): restate-server may try to look up api.github.com at start',
      );
    }

    let exited = false;
    void child.then((result) => {
      exited = true;
      if (this.child === child) this.onExit(result.exitCode, result.signal);
    });

    const deadline = Date.now() + (this.options.readinessTimeoutMs ?? 30_000);
    while (!(await this.isReady())) {
      if (exited)
        throw new RestateServerFailed('restate-server exited during start-up', log.lastLines());
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new RestateServerFailed(
          'restate-server did not become ready in time',
          log.lastLines(),
        );
      }
      await delay(100);
    }
    logger.info('restate-server ready', { pid: child.pid });
  }

  private async isReady(): Promise<boolean> {
    try {
      const { ingress: ingressSocket, admin: adminSocket } = this.options;
      const [ingress, admin, query] = await Promise.all([
        ingressSocket.fetch(`${ingressSocket.url}/restate/health`, {
          signal: AbortSignal.timeout(1000),
        }),
        adminSocket.fetch(`${adminSocket.url}/health`, { signal: AbortSignal.timeout(1000) }),
        adminSocket.fetch(`${adminSocket.url}/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          // Touches partition state: `SELECT 1` answers before the partition
          // stores are open, and then the first real query fails.
          body: JSON.stringify({ query: 'SELECT id FROM sys_invocation LIMIT 1' }),
          signal: AbortSignal.timeout(2000),
        }),
      ]);
      return ingress.ok && admin.ok && query.ok;
    } catch {
      return false;
    }
  }

  private onExit(exitCode: number | undefined, signal: string | undefined): void {
    if (this.currentState === 'stopping' || this.currentState === 'stopped') return;
    const { logger, log } = this.options;
    logger.warn('restate-server exited unexpectedly', { exitCode, signal });
    const decision = this.restartBudget.onExit(Date.now());
    if (!decision.restart) {
      const failure = new RestateServerFailed(
        `restate-server exited ${decision.exitsInWindow} times within ${this.policy.windowMs / 1000}s (last: ${signal ?? `exit code ${exitCode}`}); giving up`,
        log.lastLines(),
      );
      this.setState('failed');
      logger.error('restate-server failed', { error: failure.message });
      this.emit('fatal', failure);
      return;
    }
    const { attempt, delayMs: backoff } = decision;
    this.setState('restarting');
    setTimeout(() => void this.restart(attempt), backoff);
  }

  private async restart(attempt: number): Promise<void> {
    if (this.currentState !== 'restarting') return;
    try {
      await this.spawnAndWaitReady();
      if (this.currentState !== 'restarting') return;
      this.setState('ready');
      this.options.logger.info('restate-server restarted', { attempt, pid: this.child?.pid });
      this.emit('restarted', this.child?.pid);
    } catch (error) {
      this.options.logger.warn('restate-server restart attempt failed', { attempt, error });
      // The failed child's exit handler schedules the next attempt or gives up.
    }
  }

  private setState(state: RestateServerState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }
}

/**
 * A previous host that was SIGKILLed on a platform without a parent-death
 * signal can leave its server running and holding the data dir's lock.
 */
function killStaleServer(pidFile: string, logger: StructuredLogger): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  removeFileQuietly(pidFile);
  if (!Number.isInteger(pid) || pid <= 0 || !isRestateServerProcess(pid)) return;
  logger.warn('stopping a restate-server left over from a previous run', { pid });
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function isRestateServerProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('restate-server');
  } catch {
    // No /proc (macOS): the pid file is ours and the process is alive; trust it.
    return true;
  }
}

/**
 * The pid file only helps to clean up after a crash on platforms without a
 * parent-death signal; a read-only or full disk must not stop the server.
 */
function writeServerPidFile(pidFile: string, pid: number, logger: StructuredLogger): void {
  try {
    writePrivateFile(pidFile, String(pid));
  } catch (error) {
    logger.warn('could not write restate-server.pid', { error });
  }
}

/**
 * How every restate-server process is spawned (the host's and a local
 * cluster's nodes): only the environment given, output streamed to the log,
 * never buffered, and killed if this process exits.
 */
export const RESTATE_SERVER_SPAWN_OPTIONS = {
  extendEnv: false,
  stdin: 'ignore',
  stdout: 'pipe',
  stderr: 'pipe',
  buffer: false,
  reject: false,
  cleanup: true,
} as const;

/**
 * RESTATE_* variables in the analyst's shell would silently override our
 * config. MALLOC_* are glibc's malloc settings `spectra` runs its Node with
 * (bin/spectra.mjs); restate-server's allocator is
 * jemalloc, set through MALLOC_CONF (restate-server-command.ts).
 */
export function environmentWithoutRestateOverrides(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('RESTATE_') && !name.startsWith('MALLOC_')) environment[name] = value;
  }
  return environment;
}

export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
