import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextPollDelay, startPolling, type VisibilitySource } from './poller';

function fakeVisibility(): VisibilitySource & { setHidden(hidden: boolean): void } {
  let hidden = false;
  const listeners = new Set<() => void>();
  return {
    isHidden: () => hidden,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setHidden(value) {
      hidden = value;
      for (const listener of listeners) listener();
    },
  };
}

const settings = { intervalMs: 1000, hiddenIntervalMs: 10_000, maxBackoffMs: 30_000 };

describe('nextPollDelay', () => {
  it('slows down while hidden and backs off after failures, up to a cap', () => {
    expect(nextPollDelay(settings, false, 0)).toBe(1000);
    expect(nextPollDelay(settings, true, 0)).toBe(10_000);
    expect(nextPollDelay(settings, false, 2)).toBe(4000);
    expect(nextPollDelay(settings, false, 10)).toBe(30_000);
  });
});

describe('startPolling', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls every interval while visible, slower while hidden, and at once on return', async () => {
    const visibility = fakeVisibility();
    const task = vi.fn(async () => true);
    const stop = startPolling(task, { ...settings, visibility });
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(task).toHaveBeenCalledTimes(4);

    visibility.setHidden(true);
    await vi.advanceTimersByTimeAsync(9000);
    expect(task).toHaveBeenCalledTimes(5); // the poll already scheduled, then nothing for 10 s
    visibility.setHidden(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(6);
    stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(task).toHaveBeenCalledTimes(6);
  });

  it('stops when the task says so and backs off when it fails', async () => {
    const visibility = fakeVisibility();
    let calls = 0;
    startPolling(
      async () => {
        calls += 1;
        if (calls <= 2) throw new Error('backend down');
        return calls < 4;
      },
      { ...settings, visibility },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(4000);
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(4);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(4);
  });
});
