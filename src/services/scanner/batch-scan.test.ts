import { describe, expect, it } from 'vitest';
import { parseScope } from '../../shared/scope.js';
import { chooseEngine, resolveTargets } from './batch-scan.js';

const scope = (() => {
  const parsed = parseScope('127.10.0.0/24');
  if (!parsed.ok) throw new Error('bad scope');
  return parsed.value;
})();

const fakeResolver = (table: Record<string, string>) => async (hostname: string) => {
  const address = table[hostname];
  if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return address;
};

describe('resolveTargets', () => {
  it('keeps literals, resolves names and remembers which name each address came from', async () => {
    const resolved = await resolveTargets(
      ['127.10.0.1', 'web.lab.test', '127.10.0.1'],
      scope,
      fakeResolver({ 'web.lab.test': '127.10.0.80' }),
    );
    expect(resolved.addresses).toEqual(['127.10.0.1', '127.10.0.80']);
    expect(resolved.hostnames).toEqual({ '127.10.0.80': 'web.lab.test' });
    expect(resolved.skipped).toEqual([]);
  });

  it('refuses a name that resolves outside scope and reports one that does not resolve', async () => {
    const resolved = await resolveTargets(
      ['outside.lab.test', 'missing.lab.test'],
      scope,
      fakeResolver({ 'outside.lab.test': '10.0.0.5' }),
    );
    expect(resolved.addresses).toEqual([]);
    expect(resolved.skipped).toEqual([
      { target: 'outside.lab.test', reason: 'resolves to 10.0.0.5, outside scope' },
      { target: 'missing.lab.test', reason: 'does not resolve (ENOTFOUND)' },
    ]);
  });
});

describe('chooseEngine', () => {
  it('honours an explicit built-in choice without looking for nmap', async () => {
    expect(await chooseEngine('builtin')).toBe('builtin');
  });
});
