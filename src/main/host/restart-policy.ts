/**
 * When a supervised process (restate-server under the host) exits
 * unexpectedly: restart it with exponential backoff, and give up after too
 * many exits in a short window instead of looping.
 */
export interface RestartPolicy {
  /** Restarts allowed within `windowMs` before the supervisor gives up and reports. */
  maxRestarts: number;
  windowMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: 5,
  windowMs: 60_000,
  initialDelayMs: 250,
  maxDelayMs: 5_000,
};

export type RestartDecision =
  | { restart: true; attempt: number; delayMs: number }
  | { restart: false; exitsInWindow: number };

/** Counts recent exits and decides, for each new one, whether and when to restart. */
export class RestartBudget {
  private restartTimes: number[] = [];

  constructor(private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY) {}

  /** Called once per unexpected exit, at `now`. */
  onExit(now: number): RestartDecision {
    this.restartTimes = this.restartTimes.filter((time) => now - time < this.policy.windowMs);
    if (this.restartTimes.length >= this.policy.maxRestarts) {
      return { restart: false, exitsInWindow: this.restartTimes.length + 1 };
    }
    this.restartTimes.push(now);
    const attempt = this.restartTimes.length;
    const delayMs = Math.min(
      this.policy.initialDelayMs * 2 ** (attempt - 1),
      this.policy.maxDelayMs,
    );
    return { restart: true, attempt, delayMs };
  }
}
