import { describe, expect, it } from 'vitest';
import { chooseEngine } from './batch-scan.js';

describe('chooseEngine', () => {
  it('honours an explicit built-in choice without looking for nmap', async () => {
    expect(await chooseEngine('builtin')).toBe('builtin');
  });
});
