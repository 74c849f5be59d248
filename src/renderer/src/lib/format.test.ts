import { describe, expect, it } from 'vitest';
import {
  elapsedMs,
  estimateRemainingMs,
  formatBytes,
  formatDuration,
  formatPercent,
} from './format';

describe('formatDuration', () => {
  it('reads naturally from milliseconds to days', () => {
    expect(formatDuration(350)).toBe('350 ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3 * 3600_000 + 60_000)).toBe('3h 01m');
    expect(formatDuration(50 * 3600_000)).toBe('2d 2h');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('elapsed and remaining time', () => {
  it('measures to now while running and to the end once finished', () => {
    const start = '2026-01-01T00:00:00.000Z';
    const now = Date.parse(start) + 10_000;
    expect(elapsedMs(start, undefined, now)).toBe(10_000);
    expect(elapsedMs(start, '2026-01-01T00:00:04.000Z', now)).toBe(4000);
    expect(elapsedMs(undefined, undefined, now)).toBeNaN();
  });

  it('extrapolates the pace so far, and says nothing without one', () => {
    expect(estimateRemainingMs(10_000, 25, 100)).toBe(30_000);
    expect(estimateRemainingMs(10_000, 0, 100)).toBeUndefined();
    expect(estimateRemainingMs(10_000, 100, 100)).toBeUndefined();
  });
});

describe('sizes and ratios', () => {
  it('uses binary units and readable percentages', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.0123)).toBe('1.2%');
    expect(formatPercent(0.5)).toBe('50%');
  });
});
