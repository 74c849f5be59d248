import type { EventEmitter } from 'node:events';
import type { ServerState } from '../../shared/shell-contract.js';

/** The part of the host (src/main/host/host-runtime.ts) the shell relies on. */
export interface ManagedHost extends EventEmitter {
  serverState(): ServerState;
  close(): Promise<void>;
}

export interface HostLifecycleOptions<H extends ManagedHost> {
  startHost(): Promise<H>;
  /** Every restate-server state change, and the state right after start-up. */
  onServerState(state: ServerState): void;
  /** restate-server crashed too often and is no longer restarted. */
  onFatal(error: Error): void;
  /** The host could not start at all. */
  onStartFailed(error: Error): void;
}

/**
 * Owns the one host of the Electron process: started once, stopped once, and
 * stopping waits for a start still in progress so no restate-server is left
 * behind. Electron-free; electron-main.ts wires it to the app's events.
 */
export class HostLifecycle<H extends ManagedHost> {
  private starting: Promise<H> | undefined;
  private stopping: Promise<void> | undefined;
  private state: ServerState = 'stopped';

  constructor(private readonly options: HostLifecycleOptions<H>) {}

  /** Starts the host (once); the same promise is handed to anything that needs it. */
  start(): Promise<H> {
    if (this.stopping) return Promise.reject(new Error('the host is stopping'));
    this.starting ??= this.startOnce();
    return this.starting;
  }

  /** The host once it runs; rejects when start-up failed or was never asked for. */
  host(): Promise<H> {
    return this.starting ?? Promise.reject(new Error('the host has not been started'));
  }

  serverState(): ServerState {
    return this.state;
  }

  /** Closes the host and waits for restate-server to be gone. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const host = await this.starting?.catch(() => undefined);
      if (!host) return;
      this.setState('stopping');
      await host.close();
      this.setState('stopped');
    })();
    return this.stopping;
  }

  private async startOnce(): Promise<H> {
    this.setState('starting');
    let host: H;
    try {
      host = await this.options.startHost();
    } catch (error) {
      this.setState('failed');
      this.options.onStartFailed(error as Error);
      throw error;
    }
    host.on('server-state', (state: ServerState) => this.setState(state));
    host.on('fatal', (error: Error) => this.options.onFatal(error));
    // 'ready' was emitted before we could listen: report where the host is now.
    this.setState(host.serverState());
    return host;
  }

  private setState(state: ServerState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onServerState(state);
  }
}

export interface QuitGateOptions {
  /** Stops the host; the app quits only once it resolves (or rejects, or times out). */
  stop(): Promise<void>;
  /** Asks the app to quit again, now that the host is stopped (`app.quit`). */
  quit(): void;
  /** Bound on the wait, after which the app quits anyway; restate-server dies with its parent. */
  timeoutMs?: number;
  onTimeout?(): void;
}

/**
 * A `before-quit` listener that holds the first quit until the host has
 * stopped, then quits for real: `preventDefault` -> await stop -> quit.
 */
export function createQuitGate(
  options: QuitGateOptions,
): (event: { preventDefault(): void }) => void {
  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  return (event) => {
    if (phase === 'stopped') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        options.onTimeout?.();
        resolve();
      }, options.timeoutMs ?? 20_000);
    });
    void Promise.race([options.stop().catch(() => undefined), timeout]).then(() => {
      clearTimeout(timer);
      phase = 'stopped';
      options.quit();
    });
  };
}
