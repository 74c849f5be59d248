import { describe, expect, it } from 'vitest';
import { createTokenBucket, UNLIMITED } from './rate-limiter.js';

describe('createTokenBucket', () => {
  it('allows a burst, then one take per 1/rate seconds', () => {
    let now = 0;
    const bucket = createTokenBucket({ ratePerSecond: 100, burst: 3, now: () => now });
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(10);
    now = 5;
    expect(bucket.take()).toBe(5);
    now = 10;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBeGreaterThan(0);
  });

  it('holds the average rate over a simulated second', () => {
    let now = 0;
    const bucket = createTokenBucket({ ratePerSecond: 1000, now: () => now });
    let taken = 0;
    for (now = 0; now < 1000; now += 0.25) {
      while (bucket.take() === 0) taken += 1;
    }
    // 100 burst tokens plus 1000 per second, give or take rounding.
    expect(taken).toBeGreaterThanOrEqual(1090);
    expect(taken).toBeLessThanOrEqual(1101);
  });

  it('never refills beyond the burst after idling', () => {
    let now = 0;
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 2, now: () => now });
    now = 60_000;
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBeGreaterThan(0);
  });

  it('rejects nonsensical rates', () => {
    expect(() => createTokenBucket({ ratePerSecond: 0 })).toThrow(RangeError);
    expect(() => createTokenBucket({ ratePerSecond: Number.POSITIVE_INFINITY })).toThrow(
      RangeError,
    );
    expect(() => createTokenBucket({ ratePerSecond: Number.NaN })).toThrow(RangeError);
  });

  it('UNLIMITED never waits', () => {
    expect(UNLIMITED.take()).toBe(0);
  });
});
