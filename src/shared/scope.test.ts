import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unwrapInput } from './input-error';
import {
  type Scope,
  ScopeEntry,
  checkScope,
  isAddressInScope,
  isAddressSensitive,
  parseScope,
} from './scope';
import { iterateTargets, parseTargets } from './target-spec';
import { formatIpv4, formatIpv6 } from './address-intervals';

function scope(input: Parameters<typeof parseScope>[0]): Scope {
  return unwrapInput(parseScope(input));
}

function scopeMessages(input: Parameters<typeof parseScope>[0]): string[] {
  const result = parseScope(input);
  return result.ok ? [] : result.issues.map((issue) => issue.message);
}

function outside(targets: string, scopeText: string, exclusions = ''): string[] {
  const parsed = unwrapInput(parseTargets(targets, exclusions, { maxHosts: 2 ** 40 }));
  return checkScope(parsed, scope(scopeText)).issues.map((issue) => issue.message);
}

describe('scope syntax', () => {
  it('reads networks, ranges, exclusions and the sensitive keyword', () => {
    const parsed = scope(
      '10.0.0.0/24\n127.10.0.0/24 sensitive # the lab\n192.168.1.1-20, !192.168.1.5\n2001:db8::/64',
    );
    expect(
      parsed.networks.map(({ network, sensitive, excluded, line }) => ({
        network,
        sensitive,
        excluded,
        line,
      })),
    ).toEqual([
      { network: '10.0.0.0/24', sensitive: false, excluded: false, line: 1 },
      { network: '127.10.0.0/24', sensitive: true, excluded: false, line: 2 },
      { network: '192.168.1.1-192.168.1.20', sensitive: false, excluded: false, line: 3 },
      { network: '!192.168.1.5', sensitive: false, excluded: true, line: 3 },
      { network: '2001:db8::/64', sensitive: false, excluded: false, line: 4 },
    ]);
    expect(isAddressInScope('192.168.1.4', parsed)).toBe(true);
    expect(isAddressInScope('192.168.1.5', parsed)).toBe(false);
    expect(isAddressInScope('2001:db8::abcd', parsed)).toBe(true);
    expect(isAddressSensitive('127.10.0.9', parsed)).toBe(true);
    expect(isAddressSensitive('10.0.0.9', parsed)).toBe(false);
  });

  it('reads structured entries', () => {
    const parsed = scope([
      { network: '127.10.0.0/24', sensitive: true },
      { network: '10.0.0.0/8' },
      { network: '!10.0.0.1' },
    ]);
    expect(isAddressSensitive('127.10.0.1', parsed)).toBe(true);
    expect(isAddressInScope('10.9.9.9', parsed)).toBe(true);
    expect(isAddressInScope('10.0.0.1', parsed)).toBe(false);
  });

  it('accepts the whole address space without expanding it', () => {
    const parsed = scope('0.0.0.0/0 ::/0');
    expect(isAddressInScope('8.8.8.8', parsed)).toBe(true);
    expect(isAddressInScope('2606:4700::1', parsed)).toBe(true);
  });

  it('answers false for anything that is not an address', () => {
    const parsed = scope('0.0.0.0/0');
    for (const text of ['', 'web.lab', '10.0.0.0/8', '10.0.0.300', '::1'])
      expect(isAddressInScope(text, parsed)).toBe(false);
  });
});

describe('scope errors', () => {
  it.each([
    ['', 'scope: at least one network is required'],
    ['# nothing yet', 'scope: at least one network is required'],
    ['!10.0.0.1', 'scope: at least one network is required'],
    ['10.0.0.1 !10.0.0.0/24', 'scope: exclusions remove every network'],
    ['web.lab', '"web.lab": scope takes addresses or networks, not hostnames'],
    ['-oN', '"-oN": not a network'],
    ['10.0.0.300', '"10.0.0.300": octet out of range'],
    ['sensitive 10.0.0.0/24', '"sensitive": must follow a network on the same line'],
    ['10.0.0.0/24\nsensitive', '"sensitive": must follow a network on the same line'],
    ['10.0.0.0/24 sensitive sensitive', '"sensitive": must follow a network on the same line'],
    ['10.0.0.0/24 !10.0.0.1 sensitive', '"!10.0.0.1": an exclusion cannot be sensitive'],
  ])('%j', (text, message) => {
    expect(scopeMessages(text)).toEqual([message]);
  });

  it('names the entry of a structured scope by position', () => {
    expect(parseScope([{ network: '10.0.0.0/8' }, { network: '-oN' }])).toMatchObject({
      ok: false,
      issues: [{ token: '-oN', line: 2, message: '"-oN": not a network' }],
    });
    expect(scopeMessages([])).toEqual(['scope: at least one network is required']);
  });

  it('validates a structured entry through its schema', () => {
    expect(ScopeEntry.safeParse({ network: '10.0.0.0/33' }).error?.issues).toMatchObject([
      { path: ['network'], message: '"10.0.0.0/33": prefix length out of range' },
    ]);
  });
});

describe('checking targets against the scope', () => {
  it('refuses every target outside scope, naming the input token', () => {
    expect(outside('0.0.0.0/0', '10.0.0.0/8')).toEqual(['"0.0.0.0/0": outside scope']);
    expect(outside('10.0.0.1\n10.1.0.0/16 192.168.0.1 ::1', '10.0.0.0/8')).toEqual([
      '"192.168.0.1": outside scope',
      '"::1": outside scope',
    ]);
    expect(outside('10.0.0.250-10.0.1.5', '10.0.0.0/24')).toEqual([
      '"10.0.0.250-10.0.1.5": outside scope',
    ]);
  });

  it('honours scope exclusions', () => {
    expect(outside('10.0.0.0/24', '10.0.0.0/8 !10.0.0.1')).toEqual([
      '"10.0.0.0/24": outside scope',
    ]);
    expect(outside('10.0.0.2-20', '10.0.0.0/8 !10.0.0.1')).toEqual([]);
  });

  it('only checks what survives the target exclusions', () => {
    expect(outside('10.0.0.0/24', '10.0.0.128/25', '10.0.0.0/25')).toEqual([]);
    expect(outside('10.0.0.0/24 !10.0.0.0/25', '10.0.0.128/25')).toEqual([]);
  });

  it('accepts a target spread over several adjacent scope networks', () => {
    expect(outside('10.0.0.0/23', '10.0.0.0/24 10.0.1.0/24')).toEqual([]);
  });

  it('leaves hostnames to the post-resolution check', () => {
    const targets = unwrapInput(parseTargets('web.lab 10.0.0.1'));
    expect(checkScope(targets, scope('10.0.0.0/24')).issues).toEqual([]);
  });

  it('lists the target tokens that reach into sensitive networks', () => {
    const targets = unwrapInput(parseTargets('10.0.0.0/24\n127.10.0.5 127.10.0.0/30 192.168.0.1'));
    expect(
      checkScope(targets, scope('10.0.0.0/8\n127.10.0.0/24 sensitive\n192.168.0.0/16'))
        .sensitiveTokens,
    ).toEqual(['127.10.0.5', '127.10.0.0/30']);
  });
});

/* ----------------------------------------------------------------------------
 * Property: no expanded target ever escapes the scope, and refusals are earned.
 * ------------------------------------------------------------------------- */

const IPV4_BASE = 0x0a000000;
const IPV6_BASE = 0x20010db8000000000000000000000000n;

const network = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 2047 }), fc.integer({ min: 22, max: 32 }))
    .map(([offset, prefix]) => `${formatIpv4(IPV4_BASE + offset)}/${prefix}`),
  fc
    .tuple(fc.integer({ min: 0, max: 2047 }), fc.integer({ min: 0, max: 300 }))
    .map(
      ([offset, length]) =>
        `${formatIpv4(IPV4_BASE + offset)}-${formatIpv4(IPV4_BASE + offset + length)}`,
    ),
  fc.integer({ min: 0, max: 2047 }).map((offset) => formatIpv4(IPV4_BASE + offset)),
  fc
    .tuple(fc.integer({ min: 0, max: 2047 }), fc.integer({ min: 118, max: 128 }))
    .map(([offset, prefix]) => `${formatIpv6(IPV6_BASE + BigInt(offset))}/${prefix}`),
  fc
    .tuple(fc.integer({ min: 0, max: 2047 }), fc.integer({ min: 0, max: 100 }))
    .map(
      ([offset, length]) =>
        `${formatIpv6(IPV6_BASE + BigInt(offset))}-${formatIpv6(IPV6_BASE + BigInt(offset + length))}`,
    ),
);

const scopeText = fc
  .array(
    fc
      .record({ network, sensitive: fc.boolean(), excluded: fc.boolean() })
      .map(({ network: text, sensitive, excluded }) =>
        excluded ? `!${text}` : `${text}${sensitive ? ' sensitive' : ''}`,
      ),
    { minLength: 1, maxLength: 6 },
  )
  .map((lines) => lines.join('\n'));

const targetText = fc
  .array(
    fc.oneof(
      { arbitrary: network, weight: 5 },
      { arbitrary: network.map((text) => `!${text}`), weight: 1 },
    ),
    {
      minLength: 1,
      maxLength: 8,
    },
  )
  .map((tokens) => tokens.join(' '));

describe('scope properties', () => {
  it('never lets an expanded address outside the scope, and refuses only tokens that reach outside', () => {
    fc.assert(
      fc.property(
        scopeText,
        targetText,
        fc.array(network, { maxLength: 3 }),
        (scopeInput, targetInput, exclusions) => {
          const parsedScope = parseScope(scopeInput);
          const targets = parseTargets(targetInput, exclusions.join('\n'));
          if (!parsedScope.ok || !targets.ok) return;
          const check = checkScope(targets.value, parsedScope.value);
          const addresses = [...iterateTargets(targets.value)];
          if (check.issues.length === 0) {
            for (const address of addresses)
              expect(isAddressInScope(address, parsedScope.value)).toBe(true);
          } else {
            const escaping = addresses.filter(
              (address) => !isAddressInScope(address, parsedScope.value),
            );
            expect(escaping.length).toBeGreaterThan(0);
            // Every refused token really contributes an escaping address.
            for (const issue of check.issues) {
              const own = parseTargets(
                issue.token,
                exclusions.join('\n') + '\n' + excludedTokens(targetInput).join('\n'),
              );
              const ownAddresses = own.ok ? [...iterateTargets(own.value)] : [];
              expect(
                ownAddresses.some((address) => !isAddressInScope(address, parsedScope.value)),
              ).toBe(true);
            }
          }
          if (check.sensitiveTokens.length === 0) {
            for (const address of addresses)
              expect(isAddressSensitive(address, parsedScope.value)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function excludedTokens(targetInput: string): string[] {
  return targetInput.split(' ').filter((token) => token.startsWith('!'));
}
