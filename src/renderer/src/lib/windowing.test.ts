import { describe, expect, it } from 'vitest';
import { computeRowWindow, scrollTopToReveal } from './windowing';

describe('computeRowWindow', () => {
  const base = { rowCount: 10_000, rowHeight: 36, viewportHeight: 360, overscan: 5 };

  it('renders only the visible rows plus overscan, whatever the row count', () => {
    const top = computeRowWindow({ ...base, scrollTop: 0 });
    expect(top).toEqual({ start: 0, end: 16, offsetTop: 0, totalHeight: 360_000 });
    const middle = computeRowWindow({ ...base, scrollTop: 36 * 5000 });
    expect(middle.start).toBe(4995);
    expect(middle.end).toBe(5016);
    expect(middle.end - middle.start).toBeLessThan(30);
  });

  it('clamps scroll positions past either end', () => {
    const bottom = computeRowWindow({ ...base, scrollTop: 10_000_000 });
    expect(bottom.end).toBe(10_000);
    expect(computeRowWindow({ ...base, scrollTop: -50 }).start).toBe(0);
  });

  it('handles an empty list', () => {
    expect(computeRowWindow({ ...base, rowCount: 0, scrollTop: 0 })).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0,
    });
  });
});

describe('scrollTopToReveal', () => {
  it('scrolls just enough to show a row above or below the viewport', () => {
    expect(scrollTopToReveal(2, 36, 360, 360)).toBe(72);
    expect(scrollTopToReveal(20, 36, 0, 360)).toBe(21 * 36 - 360);
    expect(scrollTopToReveal(3, 36, 0, 360)).toBeUndefined();
  });
});
