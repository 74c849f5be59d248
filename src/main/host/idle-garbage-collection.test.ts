import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectGarbageWhenIdle, exposeGarbageCollector } from './idle-garbage-collection.js';

describe('collectGarbageWhenIdle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('collects the given rounds once no stream has been open for idleMs, once per idle period', () => {
    const collect = vi.fn();
    const collector = collectGarbageWhenIdle({ idleMs: 1_000, rounds: 3, collect });
    collector.streamOpened();
    collector.streamOpened();
    collector.streamClosed();
    vi.advanceTimersByTime(5_000);
    expect(collect).not.toHaveBeenCalled(); // one stream still open

    collector.streamClosed();
    vi.advanceTimersByTime(999);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1 + 10);
    expect(collect).toHaveBeenCalledTimes(3);

    vi.advanceTimersByTime(60_000);
    expect(collect).toHaveBeenCalledTimes(3); // nothing ran since
  });

  it('stops collecting as soon as a stream opens', () => {
    const collect = vi.fn();
    const collector = collectGarbageWhenIdle({ idleMs: 1_000, rounds: 5, collect });
    collector.streamOpened();
    collector.streamClosed();
    vi.advanceTimersByTime(1_000);
    expect(collect).toHaveBeenCalledTimes(1);
    collector.streamOpened();
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it('does nothing without a collector (no --expose-gc) or after stop', () => {
    const inert = collectGarbageWhenIdle({ idleMs: 10, collect: undefined });
    inert.streamOpened();
    inert.streamClosed();
    vi.advanceTimersByTime(1_000);

    const collect = vi.fn();
    const stopped = collectGarbageWhenIdle({ idleMs: 10, collect });
    stopped.streamOpened();
    stopped.streamClosed();
    stopped.stop();
    vi.advanceTimersByTime(1_000);
    expect(collect).not.toHaveBeenCalled();
  });
});

describe('exposeGarbageCollector', () => {
  it('gives a process started without --expose-gc a working gc', () => {
    const global = globalThis as { gc?: unknown };
    expect(process.execArgv).not.toContain('--expose-gc');
    expect(global.gc).toBeUndefined();
    exposeGarbageCollector();
    expect(typeof global.gc).toBe('function');
    // The call the idle collector makes: a full, synchronous, last-resort collection.
    expect(() =>
      (global.gc as (options: object) => void)({
        type: 'major',
        execution: 'sync',
        flavor: 'last-resort',
      }),
    ).not.toThrow();
  });
});
