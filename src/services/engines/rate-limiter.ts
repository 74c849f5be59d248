/**
 * Token bucket: at most `ratePerSecond` takes per second on average, with
 * bursts of up to `burst` takes after an idle period. Synchronous on purpose:
 * the built-in engine asks it once per probe, so it must not allocate a
 * promise when a token is available.
 */
export interface TokenBucket {
  /** Takes a token and returns 0, or returns how many milliseconds to wait before asking again. */
  take(): number;
}

export interface TokenBucketOptions {
  ratePerSecond: number;
  /** Defaults to a tenth of a second's worth of tokens (at least 1), so the rate holds over short windows too. */
  burst?: number;
  /** Injected by tests; defaults to `performance.now`. */
  now?: () => number;
}

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { ratePerSecond } = options;
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
    throw new RangeError(`ratePerSecond must be a positive finite number, got ${ratePerSecond}`);
  }
  const burst = Math.max(1, options.burst ?? Math.floor(ratePerSecond / 10));
  const now = options.now ?? (() => performance.now());
  const tokensPerMillisecond = ratePerSecond / 1000;
  let tokens = burst;
  let refilledAt = now();

  return {
    take(): number {
      const current = now();
      tokens = Math.min(burst, tokens + (current - refilledAt) * tokensPerMillisecond);
      refilledAt = current;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - tokens) / tokensPerMillisecond));
    },
  };
}

/** A bucket that never makes anyone wait, for unlimited scans. */
export const UNLIMITED: TokenBucket = { take: () => 0 };
