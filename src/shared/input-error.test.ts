import { describe, expect, it } from 'vitest';
import {
  InputError,
  IssueCollector,
  MAX_INPUT_ISSUES,
  fieldIssue,
  tokenIssue,
  tokenizeInput,
  unwrapInput,
} from './input-error';

describe('tokenizeInput', () => {
  it('splits on lines, commas and any whitespace, dropping comments', () => {
    expect(tokenizeInput('a, b\tc\n# whole line\r\nd # trailing, e\re\u00a0f,,')).toEqual([
      { token: 'a', line: 1 },
      { token: 'b', line: 1 },
      { token: 'c', line: 1 },
      { token: 'd', line: 3 },
      { token: 'e', line: 4 },
      { token: 'f', line: 4 },
    ]);
  });

  it('returns nothing for blank input', () => {
    expect(tokenizeInput('')).toEqual([]);
    expect(tokenizeInput(' \n\t# x\n')).toEqual([]);
  });
});

describe('issues', () => {
  it('quotes tokens and leaves field names bare', () => {
    expect(tokenIssue('targets', '10.0.0.300', 3, 'octet out of range')).toEqual({
      field: 'targets',
      token: '10.0.0.300',
      line: 3,
      reason: 'octet out of range',
      message: '"10.0.0.300": octet out of range',
    });
    expect(fieldIssue('scope', 'at least one network is required').message).toBe(
      'scope: at least one network is required',
    );
  });

  it('escapes control characters so the message shows them', () => {
    expect(tokenIssue('ports', 'a\u0007"b', 1, 'not a port').message).toBe(
      '"a\\u0007\\"b": not a port',
    );
  });

  it('caps collection', () => {
    const collector = new IssueCollector();
    for (let index = 0; index < MAX_INPUT_ISSUES + 5; index += 1)
      collector.add(fieldIssue('ports', `${index}`));
    expect(collector.issues.length).toBe(MAX_INPUT_ISSUES);
    expect(collector.full).toBe(true);
  });

  it('InputError carries every issue and a readable message', () => {
    const issues = [
      tokenIssue('targets', '-oN', 2, 'not a target'),
      fieldIssue('scope', 'at least one network is required'),
    ];
    const error = new InputError(issues);
    expect(error.issues).toBe(issues);
    expect(error.message).toBe(
      'targets line 2: "-oN": not a target\nscope: at least one network is required',
    );
    expect(() => unwrapInput({ ok: false, issues })).toThrow(InputError);
    expect(unwrapInput({ ok: true, value: 7 })).toBe(7);
  });
});
