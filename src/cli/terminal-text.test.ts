import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forTerminal, jsonForTerminal } from './terminal-text.js';

describe('forTerminal', () => {
  it('turns ESC, OSC, BEL, CSI and line controls into visible escapes', () => {
    expect(forTerminal('\u001b]0;pwned\u0007title')).toBe('\\x1b]0;pwned\\x07title');
    expect(forTerminal('clear\u001b[2J\u001b[H')).toBe('clear\\x1b[2J\\x1b[H');
    expect(forTerminal('a\rb\nc\td\u0000e\u007f')).toBe('a\\rb\\nc\\td\\x00e\\x7f');
    expect(forTerminal('c1 \u009b31m osc \u009d')).toBe('c1 \\x9b31m osc \\x9d');
    expect(forTerminal('evil\u202Etxt.exe')).toBe('evil\\u202etxt.exe');
  });

  it('leaves printable text, accents and emoji as they are', () => {
    expect(forTerminal('Apache httpd 2.4.49 — café 😀 "quoted"')).toBe(
      'Apache httpd 2.4.49 — café 😀 "quoted"',
    );
  });

  it('never lets a control character through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        // eslint-disable-next-line no-control-regex
        expect(forTerminal(text)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('jsonForTerminal', () => {
  it('escapes what JSON.stringify leaves raw and still parses back to the same value', () => {
    const value = { name: 'a\u001b]0;x\u0007 \u009b31m \u007f \u202e z' };
    const text = jsonForTerminal(value);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
