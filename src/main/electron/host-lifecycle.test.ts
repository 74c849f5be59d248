import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { ServerState } from '../../shared/shell-contract.js';
import { createQuitGate, HostLifecycle, type ManagedHost } from './host-lifecycle.js';

class FakeHost extends EventEmitter implements ManagedHost {
  state: ServerState = 'ready';
  closed = 0;
  release: (() => void) | undefined;
  serverState(): ServerState {
    return this.state;
  }
  close(): Promise<void> {
    this.closed += 1;
    return new Promise((resolve) => (this.release = resolve));
  }
}

function lifecycleWith(start: () => Promise<FakeHost>) {
  const states: ServerState[] = [];
  const fatal = vi.fn();
  const startFailed = vi.fn();
  const lifecycle = new HostLifecycle<FakeHost>({
    startHost: start,
    onServerState: (state) => states.push(state),
    onFatal: fatal,
    onStartFailed: startFailed,
  });
  return { lifecycle, states, fatal, startFailed };
}

describe('HostLifecycle', () => {
  it('reports starting, then the state of the started host, then every change', async () => {
    const host = new FakeHost();
    const { lifecycle, states, fatal } = lifecycleWith(async () => host);
    expect(await lifecycle.start()).toBe(host);
    expect(await lifecycle.host()).toBe(host);
    host.emit('server-state', 'restarting');
    host.emit('server-state', 'ready');
    host.emit('fatal', new Error('crashed 5 times'));
    expect(states).toEqual(['starting', 'ready', 'restarting', 'ready']);
    expect(lifecycle.serverState()).toBe('ready');
    expect(fatal).toHaveBeenCalledWith(new Error('crashed 5 times'));
  });

  it('starts the host once', async () => {
    const start = vi.fn(async () => new FakeHost());
    const { lifecycle } = lifecycleWith(start);
    await Promise.all([lifecycle.start(), lifecycle.start()]);
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('reports a failed start', async () => {
    const { lifecycle, states, startFailed } = lifecycleWith(async () => {
      throw new Error('no restate-server binary');
    });
    await expect(lifecycle.start()).rejects.toThrow('no restate-server binary');
    await expect(lifecycle.host()).rejects.toThrow('no restate-server binary');
    expect(states).toEqual(['starting', 'failed']);
    expect(startFailed).toHaveBeenCalledOnce();
    await lifecycle.stop(); // nothing to stop, and no throw
  });

  it('stop waits for a start in progress, then closes the host once', async () => {
    const host = new FakeHost();
    let finishStart!: () => void;
    const { lifecycle, states } = lifecycleWith(
      () => new Promise((resolve) => (finishStart = () => resolve(host))),
    );
    void lifecycle.start();
    const stopped = lifecycle.stop();
    const again = lifecycle.stop();
    expect(again).toBe(stopped);
    expect(host.closed).toBe(0);
    finishStart();
    await vi.waitFor(() => expect(host.closed).toBe(1));
    let done = false;
    void stopped.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false); // still waiting for host.close()
    host.release!();
    await stopped;
    expect(host.closed).toBe(1);
    expect(states.slice(-2)).toEqual(['stopping', 'stopped']);
    await expect(lifecycle.start()).rejects.toThrow('stopping');
  });

  it('has no host before start', async () => {
    const { lifecycle } = lifecycleWith(async () => new FakeHost());
    await expect(lifecycle.host()).rejects.toThrow('not been started');
  });
});

describe('createQuitGate', () => {
  const quitEvent = () => ({ preventDefault: vi.fn() });

  it('holds the quit until the host has stopped, then quits once for real', async () => {
    let finishStop!: () => void;
    const stop = vi.fn(() => new Promise<void>((resolve) => (finishStop = resolve)));
    const quit = vi.fn();
    const beforeQuit = createQuitGate({ stop, quit });

    const first = quitEvent();
    beforeQuit(first);
    expect(first.preventDefault).toHaveBeenCalled();
    const second = quitEvent(); // e.g. Cmd-Q pressed again while stopping
    beforeQuit(second);
    expect(second.preventDefault).toHaveBeenCalled();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(quit).not.toHaveBeenCalled();

    finishStop();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
    const final = quitEvent(); // the quit() above fires before-quit again
    beforeQuit(final);
    expect(final.preventDefault).not.toHaveBeenCalled();
  });

  it('quits even when stopping fails', async () => {
    const quit = vi.fn();
    createQuitGate({ stop: () => Promise.reject(new Error('boom')), quit })(quitEvent());
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce());
  });

  it('quits after the timeout when the host does not stop', async () => {
    const quit = vi.fn();
    const onTimeout = vi.fn();
    createQuitGate({ stop: () => new Promise(() => {}), quit, timeoutMs: 20, onTimeout })(
      quitEvent(),
    );
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce());
    expect(onTimeout).toHaveBeenCalledOnce();
  });
});
