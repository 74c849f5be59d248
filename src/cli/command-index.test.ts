import { describe, expect, it } from 'vitest';
import { COMMAND_INDEX } from './command-index.js';

describe('the command index', () => {
  it('lists each command once, under the name its module gives it', async () => {
    const names = COMMAND_INDEX.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of COMMAND_INDEX) {
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(entry.summary).not.toBe('');
      expect(command.usage).toContain(`spectra ${entry.name}`);
    }
  });
});
