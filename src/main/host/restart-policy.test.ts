import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY, RestartBudget } from './restart-policy.js';

describe('RestartBudget', () => {
  it('backs off exponentially up to the cap, then gives up within the window', () => {
    const budget = new RestartBudget({ ...DEFAULT_RESTART_POLICY, maxDelayMs: 1_000 });
    const delays = [0, 1, 2, 3, 4].map((second) => budget.onExit(second * 1_000));
    expect(delays).toEqual([
      { restart: true, attempt: 1, delayMs: 250 },
      { restart: true, attempt: 2, delayMs: 500 },
      { restart: true, attempt: 3, delayMs: 1_000 },
      { restart: true, attempt: 4, delayMs: 1_000 },
      { restart: true, attempt: 5, delayMs: 1_000 },
    ]);
    expect(budget.onExit(5_000)).toEqual({ restart: false, exitsInWindow: 6 });
  });

  it('forgets exits older than the window', () => {
    const budget = new RestartBudget(DEFAULT_RESTART_POLICY);
    for (let exit = 0; exit < 5; exit++) budget.onExit(exit);
    expect(budget.onExit(DEFAULT_RESTART_POLICY.windowMs + 10)).toEqual({
      restart: true,
      attempt: 1,
      delayMs: 250,
    });
  });
});
