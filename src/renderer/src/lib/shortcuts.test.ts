import { describe, expect, it } from 'vitest';
import { pressKey, SHORTCUTS } from './shortcuts';

describe('keyboard shortcuts', () => {
  it('completes two-key sequences and single keys', () => {
    const first = pressKey([], 'g');
    expect(first.matched).toBeUndefined();
    expect(first.pending).toEqual(['g']);
    const second = pressKey(first.pending, 't');
    expect(second.matched?.description).toBe('Go to Threats');
    expect(second.pending).toEqual([]);
    expect(pressKey([], '?').matched?.action).toEqual({ kind: 'help' });
    expect(pressKey([], 'n').matched?.description).toBe('New campaign');
  });

  it('drops an unknown key and restarts from a key that begins a shortcut', () => {
    expect(pressKey(['g'], 'x')).toEqual({ pending: [] });
    expect(pressKey(['g'], 'g').pending).toEqual(['g']);
    expect(pressKey(['g'], '?').matched?.action.kind).toBe('help');
  });

  it('has no shortcut that is a prefix of another', () => {
    for (const shortcut of SHORTCUTS)
      for (const other of SHORTCUTS)
        if (shortcut !== other && shortcut.keys.length < other.keys.length)
          expect(shortcut.keys.every((key, index) => other.keys[index] === key)).toBe(false);
  });
});
