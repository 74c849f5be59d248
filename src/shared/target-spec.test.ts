import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, MAX_INPUT_ISSUES, unwrapInput } from './input-error';
import {
  DEFAULT_MAX_HOSTS,
  type TargetSet,
  batchDescriptors,
  countAddresses,
  countTargets,
  formatTargets,
  iterateTargets,
  parseTargets,
  sliceTargets,
} from './target-spec';
import { formatIpv4, formatIpv6, parseIpv6 } from './address-intervals';

function parsed(text: string, exclusions = ''): TargetSet {
  return unwrapInput(parseTargets(text, exclusions));
}

function expand(text: string, exclusions = ''): string[] {
  return [...iterateTargets(parsed(text, exclusions))];
}

function messages(text: string, exclusions = '', maxHosts?: number): string[] {
  const result = parseTargets(text, exclusions, { maxHosts });
  return result.ok ? [] : result.issues.map((issue) => issue.message);
}

describe('target syntax', () => {
  it.each([
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/30', ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3']],
    ['10.0.0.5/30', ['10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7']],
    ['10.0.0.1/32', ['10.0.0.1']],
    ['10.0.0.1-3', ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
    ['10.0.0.7-7', ['10.0.0.7']],
    ['10.0.0.254-10.0.1.1', ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']],
    ['::1', ['::1']],
    ['2001:DB8::A', ['2001:db8::a']],
    ['2001:db8::/126', ['2001:db8::', '2001:db8::1', '2001:db8::2', '2001:db8::3']],
    ['2001:db8::ffff-2001:db8::1:1', ['2001:db8::ffff', '2001:db8::1:0', '2001:db8::1:1']],
    ['::ffff:10.0.0.1', ['::ffff:a00:1']],
    ['1:2:3:4:5:6:7:8', ['1:2:3:4:5:6:7:8']],
    ['web.lab', ['web.lab']],
    ['Web.Lab.', ['web.lab']],
    ['localhost', ['localhost']],
    ['1-800-flowers.example', ['1-800-flowers.example']],
  ])('%s', (text, expected) => {
    expect(expand(text)).toEqual(expected);
  });

  it('accepts lines, commas, whitespace and comments, ordering IPv4, IPv6 then hostnames', () => {
    const text = [
      '# lab network',
      'db.lab, 10.0.0.3',
      '  2001:db8::1\t10.0.0.1 # the gateway',
      '',
      'web.lab,,10.0.0.2\r\nDB.lab',
    ].join('\n');
    expect(expand(text)).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
      '2001:db8::1',
      'db.lab',
      'web.lab',
    ]);
  });

  it('merges overlapping and adjacent entries into disjoint intervals', () => {
    const targets = parsed('10.0.0.0/25 10.0.0.100-10.0.0.200 10.0.0.201 10.0.0.203');
    expect(targets.ipv4).toEqual([
      { first: 0x0a000000, last: 0x0a0000c9 },
      { first: 0x0a0000cb, last: 0x0a0000cb },
    ]);
    expect(countTargets(targets)).toBe(203);
  });

  it('subtracts exclusions given inline with ! and in the exclusions list', () => {
    expect(expand('10.0.0.0/29 !10.0.0.2 db.lab web.lab', '10.0.0.5-6, web.lab')).toEqual([
      '10.0.0.0',
      '10.0.0.1',
      '10.0.0.3',
      '10.0.0.4',
      '10.0.0.7',
      'db.lab',
    ]);
    expect(expand('10.0.0.0/30', '!10.0.0.0')).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(expand('2001:db8::/126 !2001:db8::1-2001:db8::2')).toEqual([
      '2001:db8::',
      '2001:db8::3',
    ]);
  });

  it('keeps the input tokens of the targets for scope messages', () => {
    const targets = parsed('10.0.0.0/30\n!10.0.0.1 web.lab\n::1');
    expect(targets.sources.map(({ token, line }) => ({ token, line }))).toEqual([
      { token: '10.0.0.0/30', line: 1 },
      { token: '::1', line: 3 },
    ]);
  });
});

describe('target errors', () => {
  it.each([
    ['10.0.0.300', '"10.0.0.300": octet out of range'],
    ['10.0.0.1-300', '"10.0.0.1-300": octet out of range'],
    ['-oN', '"-oN": not a target'],
    ['--script=evil', '"--script=evil": not a target'],
    ['!-oN', '"!-oN": not a target'],
    ['!', '"!": not a target'],
    ['!!10.0.0.1', '"!!10.0.0.1": not a target'],
    ['10.0.0', '"10.0.0": IPv4 address needs 4 octets'],
    ['10..0.1', '"10..0.1": IPv4 address needs 4 octets'],
    ['010.0.0.1', '"010.0.0.1": octet has a leading zero'],
    ['10.0.0.0/33', '"10.0.0.0/33": prefix length out of range'],
    ['::/129', '"::/129": prefix length out of range'],
    ['10.0.0.0/x', '"10.0.0.0/x": prefix length must be a number'],
    ['web.lab/24', '"web.lab/24": CIDR needs an IP address, not a hostname'],
    ['10.0.0.9-3', '"10.0.0.9-3": range start is after its end'],
    ['10.0.1.0-10.0.0.1', '"10.0.1.0-10.0.0.1": range start is after its end'],
    ['10.0.0.1-', '"10.0.0.1-": range end is missing'],
    ['10.0.0.1-::1', '"10.0.0.1-::1": range ends must be the same address family'],
    ['1:2:3', '"1:2:3": not a valid IPv6 address'],
    ['1::2::3', '"1::2::3": not a valid IPv6 address'],
    ['1:2:3:4:5:6:7:8::', '"1:2:3:4:5:6:7:8::": not a valid IPv6 address'],
    ['fe80::1%eth0', '"fe80::1%eth0": IPv6 zone ids are not supported'],
    ['10.0.0.1:80', '"10.0.0.1:80": ports go in the ports field, not after the address'],
    ['web_server.lab', '"web_server.lab": not a target'],
    ['bad-.lab', '"bad-.lab": hostname label cannot start or end with "-"'],
    ['a..lab', '"a..lab": hostname has an empty label'],
    [`${'a'.repeat(64)}.lab`, `"${'a'.repeat(64)}.lab": hostname label longer than 63 characters`],
    ['host.123', '"host.123": hostname cannot end with a numeric label'],
    ['bücher.de', '"bücher.de": hostname must be ASCII (use its punycode form)'],
    ['$(reboot)', '"$(reboot)": not a target'],
    ['0x0a000001', '"0x0a000001": numeric address in an unsupported notation'],
    ['0x0a.0x1', '"0x0a.0x1": numeric address in an unsupported notation'],
  ])('%s', (text, message) => {
    expect(messages(text)).toEqual([message]);
  });

  it('reports every bad token with its line, not only the first', () => {
    const result = parseTargets('10.0.0.1\n10.0.0.300 -oN\n# fine\nweb.lab 1.2.3.4.5', '-sV');
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual([
      {
        field: 'targets',
        token: '10.0.0.300',
        line: 2,
        reason: 'octet out of range',
        message: '"10.0.0.300": octet out of range',
      },
      {
        field: 'targets',
        token: '-oN',
        line: 2,
        reason: 'not a target',
        message: '"-oN": not a target',
      },
      {
        field: 'targets',
        token: '1.2.3.4.5',
        line: 4,
        reason: 'IPv4 address needs 4 octets',
        message: '"1.2.3.4.5": IPv4 address needs 4 octets',
      },
      {
        field: 'exclusions',
        token: '-sV',
        line: 1,
        reason: 'not a target',
        message: '"-sV": not a target',
      },
    ]);
  });

  it('caps the number of issues collected', () => {
    const result = parseTargets(Array.from({ length: 500 }, () => '-x').join('\n'));
    expect(result.ok ? 0 : result.issues.length).toBe(MAX_INPUT_ISSUES);
  });

  it('shortens huge tokens in messages', () => {
    const [message] = messages(`-${'x'.repeat(10_000)}`);
    expect(message!.length).toBeLessThan(120);
    expect(message).toMatch(/^"-x+…": not a target$/);
  });

  it('refuses an empty list and a list emptied by exclusions', () => {
    expect(messages(' # nothing\n')).toEqual(['targets: at least one target is required']);
    expect(messages('10.0.0.1 web.lab', '10.0.0.0/24 web.lab')).toEqual([
      'targets: exclusions remove every target',
    ]);
  });
});

describe('host limit', () => {
  it('names the token that alone exceeds the limit', () => {
    expect(messages('10.0.0.0/8')).toEqual([
      '"10.0.0.0/8": 16777216 hosts exceeds the limit of 65536 per campaign',
    ]);
    expect(messages('0.0.0.0/0')).toEqual([
      '"0.0.0.0/0": 4294967296 hosts exceeds the limit of 65536 per campaign',
    ]);
  });

  it('refuses huge IPv6 ranges without iterating them', () => {
    expect(messages('::/0')).toEqual([
      '"::/0": 340282366920938463463374607431768211456 hosts exceeds the limit of 65536 per campaign',
    ]);
    expect(messages('2001:db8::/64 10.0.0.0/8')).toEqual([
      '"2001:db8::/64": 18446744073709551616 hosts exceeds the limit of 65536 per campaign',
      '"10.0.0.0/8": 16777216 hosts exceeds the limit of 65536 per campaign',
    ]);
  });

  it('counts only what survives the exclusions', () => {
    expect(messages('10.0.0.0/8', '10.0.0.0/9')).toEqual([
      '"10.0.0.0/8": 8388608 hosts exceeds the limit of 65536 per campaign',
    ]);
    expect(
      countTargets(
        parsed(
          '10.0.0.0/8',
          '10.1.0.0/16 10.2.0.0/15 10.4.0.0/14 10.8.0.0/13 10.16.0.0/12 10.32.0.0/11 10.64.0.0/10 10.128.0.0/9',
        ),
      ),
    ).toBe(65_536);
  });

  it('reports the total when no single token is too large', () => {
    expect(messages('10.0.0.0/16 10.1.0.0')).toEqual([
      'targets: 65537 hosts exceeds the limit of 65536 per campaign',
    ]);
    expect(messages('10.0.0.0/30 web.lab', '', 4)).toEqual([
      'targets: 5 hosts exceeds the limit of 4 per campaign',
    ]);
  });

  it('accepts exactly the limit and a raised limit', () => {
    expect(countTargets(parsed('10.0.0.0/16'))).toBe(DEFAULT_MAX_HOSTS);
    const result = parseTargets('10.0.0.0/8', '', { maxHosts: 2 ** 24 });
    expect(result.ok && countTargets(result.value)).toBe(2 ** 24);
  });

  it('rejects a nonsensical limit as a programming error', () => {
    expect(() => parseTargets('10.0.0.1', '', { maxHosts: 0 })).toThrow(RangeError);
    expect(() => parseTargets('10.0.0.1', '', { maxHosts: 2.5 })).toThrow(RangeError);
    expect(() => parseTargets('10.0.0.1', '', { maxHosts: Number.NaN })).toThrow(RangeError);
  });

  it('can lift the limit to check a set too large to scan', () => {
    const result = parseTargets('::/0 10.0.0.0/8', '', { maxHosts: Number.POSITIVE_INFINITY });
    expect(result.ok && result.value.ipv6).toEqual([{ first: 0n, last: 2n ** 128n - 1n }]);
  });
});

describe('lazy expansion and slicing', () => {
  const targets = parsed('10.0.0.0/16 2001:db8::/124 b.lab a.lab', '10.0.128.0/24');

  it('counts without expanding', () => {
    expect(countTargets(targets)).toBe(65_536 - 256 + 16 + 2);
    expect(countAddresses(targets)).toBe(65_536 - 256 + 16);
  });

  it('iterates lazily', () => {
    const iterator = iterateTargets(targets);
    expect([iterator.next().value, iterator.next().value]).toEqual(['10.0.0.0', '10.0.0.1']);
  });

  it('jumps to any offset, across intervals and into the hostnames', () => {
    expect(sliceTargets(targets, 32_766, 4)).toEqual([
      '10.0.127.254',
      '10.0.127.255',
      '10.0.129.0',
      '10.0.129.1',
    ]);
    expect(sliceTargets(targets, 65_278, 3)).toEqual([
      '10.0.255.254',
      '10.0.255.255',
      '2001:db8::',
    ]);
    expect(sliceTargets(targets, 65_295, 10)).toEqual(['2001:db8::f', 'b.lab', 'a.lab']);
    expect(sliceTargets(targets, 65_298, 10)).toEqual([]);
    expect(sliceTargets(targets, 5, 0)).toEqual([]);
  });

  it('rejects negative or fractional windows', () => {
    expect(() => sliceTargets(targets, -1, 1)).toThrow(RangeError);
    expect(() => sliceTargets(targets, 0, 1.5)).toThrow(RangeError);
  });

  it('describes batches that cover the total', () => {
    expect(batchDescriptors(120, 50)).toEqual([
      { index: 0, offset: 0, count: 50 },
      { index: 1, offset: 50, count: 50 },
      { index: 2, offset: 100, count: 20 },
    ]);
    expect(batchDescriptors(0, 50)).toEqual([]);
    expect(() => batchDescriptors(10, 0)).toThrow(RangeError);
  });
});

describe('canonical text', () => {
  it('prints CIDR blocks, ranges and hostnames one per line', () => {
    expect(
      formatTargets(parsed('10.0.0.0/24 10.0.1.1-10.0.1.3 10.0.2.7 ::/127 ::5-::7 web.lab')),
    ).toBe(
      ['10.0.0.0/24', '10.0.1.1-10.0.1.3', '10.0.2.7', '::/127', '::5-::7', 'web.lab'].join('\n'),
    );
  });

  it.each([
    [0n, '::'],
    [1n, '::1'],
    [0x20010db8000000000000000000000001n, '2001:db8::1'],
    [0x20010db8000000010000000000000001n, '2001:db8:0:1::1'],
    [0x20010db8000000000001000000000001n, '2001:db8::1:0:0:1'],
    [0x20010db8000100000000000000000000n, '2001:db8:1::'],
    [0x00010002000300040005000600070008n, '1:2:3:4:5:6:7:8'],
    [0x00010000000200030004000500060007n, '1:0:2:3:4:5:6:7'],
  ])('formats IPv6 %s as %s (RFC 5952)', (value, text) => {
    expect(formatIpv6(value)).toBe(text);
    expect(parseIpv6(text)).toEqual({ value });
  });
});

describe('schemas', () => {
  it('throws only InputError from unwrapInput', () => {
    expect(() => parsed('-oN')).toThrow(InputError);
  });
});

/* ----------------------------------------------------------------------------
 * Properties: a brute-force model over a small universe, so tokens overlap.
 * ------------------------------------------------------------------------- */

const IPV4_BASE = 0x0a000000; // 10.0.0.0, universe 10.0.0.0/22
const IPV6_BASE = 0x20010db8000000000000000000000000n; // 2001:db8::, universe /118

interface GeneratedToken {
  text: string;
  /** Model of what it denotes: canonical address strings, or one hostname. */
  members: string[];
}

function ipv4Members(first: number, last: number): string[] {
  return Array.from({ length: last - first + 1 }, (_, index) => formatIpv4(first + index));
}

function ipv6Members(first: bigint, last: bigint): string[] {
  return Array.from({ length: Number(last - first) + 1 }, (_, index) =>
    formatIpv6(first + BigInt(index)),
  );
}

const ipv4Offset = fc.integer({ min: 0, max: 1023 });
const ipv6Offset = fc.integer({ min: 0, max: 1023 });

const ipv4Token: fc.Arbitrary<GeneratedToken> = fc.oneof(
  ipv4Offset.map((offset) => ({
    text: formatIpv4(IPV4_BASE + offset),
    members: ipv4Members(IPV4_BASE + offset, IPV4_BASE + offset),
  })),
  fc.tuple(ipv4Offset, fc.integer({ min: 24, max: 32 })).map(([offset, prefix]) => {
    const size = 2 ** (32 - prefix);
    const first = IPV4_BASE + offset - (offset % size);
    return {
      text: `${formatIpv4(IPV4_BASE + offset)}/${prefix}`,
      members: ipv4Members(first, first + size - 1),
    };
  }),
  fc.tuple(ipv4Offset, fc.integer({ min: 0, max: 40 })).map(([offset, length]) => {
    const first = IPV4_BASE + offset;
    const last = Math.min(first + length, (first | 255) >>> 0);
    return { text: `${formatIpv4(first)}-${last & 255}`, members: ipv4Members(first, last) };
  }),
  fc.tuple(ipv4Offset, fc.integer({ min: 0, max: 300 })).map(([offset, length]) => {
    const first = IPV4_BASE + offset;
    return {
      text: `${formatIpv4(first)}-${formatIpv4(first + length)}`,
      members: ipv4Members(first, first + length),
    };
  }),
);

const ipv6Token: fc.Arbitrary<GeneratedToken> = fc.oneof(
  ipv6Offset.map((offset) => {
    const value = IPV6_BASE + BigInt(offset);
    return { text: formatIpv6(value), members: [formatIpv6(value)] };
  }),
  fc.tuple(ipv6Offset, fc.integer({ min: 122, max: 128 })).map(([offset, prefix]) => {
    const size = 2 ** (128 - prefix);
    const first = IPV6_BASE + BigInt(offset - (offset % size));
    return {
      text: `${formatIpv6(IPV6_BASE + BigInt(offset))}/${prefix}`,
      members: ipv6Members(first, first + BigInt(size - 1)),
    };
  }),
  fc.tuple(ipv6Offset, fc.integer({ min: 0, max: 50 })).map(([offset, length]) => {
    const first = IPV6_BASE + BigInt(offset);
    const last = first + BigInt(length);
    // Upper case must parse the same.
    return {
      text: `${formatIpv6(first).toUpperCase()}-${formatIpv6(last)}`,
      members: ipv6Members(first, last),
    };
  }),
);

const hostnameToken: fc.Arbitrary<GeneratedToken> = fc
  .tuple(fc.integer({ min: 0, max: 5 }), fc.boolean())
  .map(([index, upper]) => {
    const name = `host-${index}.lab`;
    return { text: upper ? name.toUpperCase() : name, members: [name] };
  });

const targetToken = fc.oneof(
  { arbitrary: ipv4Token, weight: 4 },
  { arbitrary: ipv6Token, weight: 2 },
  { arbitrary: hostnameToken, weight: 1 },
);
const separator = fc.constantFrom('\n', ', ', ' ', '\t', ',', ' # note\n', '\r\n');

function joinTokens(texts: string[], separators: string[]): string {
  return texts
    .map((text, index) => text + (separators[index % separators.length] ?? '\n'))
    .join('');
}

interface GeneratedList {
  targets: string;
  exclusions: string;
  /** The expected expansion in target order. */
  expected: string[];
}

function modelOrder(members: Iterable<string>, hostnameOrder: string[]): string[] {
  const addresses = [...members].filter((member) => /^[\d.]+$|:/.test(member));
  const ipv4 = addresses
    .filter((address) => !address.includes(':'))
    .sort((left, right) => ipv4Value(left) - ipv4Value(right));
  const ipv6 = addresses
    .filter((address) => address.includes(':'))
    .sort((left, right) => {
      const difference = ipv6Value(left) - ipv6Value(right);
      return difference < 0n ? -1 : difference > 0n ? 1 : 0;
    });
  const present = new Set(members);
  return [...ipv4, ...ipv6, ...hostnameOrder.filter((hostname) => present.has(hostname))];
}

function ipv4Value(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function ipv6Value(address: string): bigint {
  const parsedValue = parseIpv6(address);
  if (!('value' in parsedValue)) throw new Error(`model produced ${address}`);
  return parsedValue.value;
}

const generatedList: fc.Arbitrary<GeneratedList> = fc
  .record({
    included: fc.array(targetToken, { minLength: 1, maxLength: 12 }),
    inlineExcluded: fc.array(targetToken, { maxLength: 4 }),
    listExcluded: fc.array(targetToken, { maxLength: 4 }),
    separators: fc.array(separator, { minLength: 1, maxLength: 5 }),
    bangInList: fc.boolean(),
  })
  .map(({ included, inlineExcluded, listExcluded, separators, bangInList }) => {
    const hostnameOrder: string[] = [];
    for (const token of included) {
      const member = token.members[0]!;
      if (/[a-z]/.test(member) && !member.includes(':') && !hostnameOrder.includes(member))
        hostnameOrder.push(member);
    }
    const members = new Set(included.flatMap((token) => token.members));
    for (const token of [...inlineExcluded, ...listExcluded])
      for (const member of token.members) members.delete(member);
    return {
      targets: joinTokens(
        [
          ...included.map((token) => token.text),
          ...inlineExcluded.map((token) => `!${token.text}`),
        ],
        separators,
      ),
      exclusions: joinTokens(
        listExcluded.map((token) => (bangInList ? '!' : '') + token.text),
        separators,
      ),
      expected: modelOrder(members, hostnameOrder),
    };
  });

const runs = { numRuns: 300 };

describe('target properties', () => {
  it('expands to exactly the brute-force model, in order', () => {
    fc.assert(
      fc.property(generatedList, ({ targets, exclusions, expected }) => {
        const result = parseTargets(targets, exclusions);
        if (expected.length === 0) {
          expect(result.ok ? [] : result.issues.map((issue) => issue.message)).toEqual([
            'targets: exclusions remove every target',
          ]);
          return;
        }
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect([...iterateTargets(result.value)]).toEqual(expected);
        expect(countTargets(result.value)).toBe(expected.length);
      }),
      runs,
    );
  });

  it('round-trips through the canonical text', () => {
    fc.assert(
      fc.property(generatedList, ({ targets, exclusions }) => {
        const first = parseTargets(targets, exclusions);
        if (!first.ok) return;
        const again = unwrapInput(parseTargets(formatTargets(first.value)));
        expect(again.ipv4).toEqual(first.value.ipv4);
        expect(again.ipv6).toEqual(first.value.ipv6);
        expect(again.hostnames).toEqual(first.value.hostnames);
        expect(countTargets(again)).toBe(countTargets(first.value));
        expect(formatTargets(again)).toBe(formatTargets(first.value));
      }),
      runs,
    );
  });

  it('slices exactly the same window as the iterator', () => {
    fc.assert(
      fc.property(
        generatedList,
        fc.nat({ max: 2000 }),
        fc.nat({ max: 300 }),
        ({ targets, exclusions }, offsetSeed, count) => {
          const result = parseTargets(targets, exclusions);
          if (!result.ok) return;
          const all = [...iterateTargets(result.value)];
          const offset = offsetSeed % (all.length + 3);
          expect(sliceTargets(result.value, offset, count)).toEqual(
            all.slice(offset, offset + count),
          );
        },
      ),
      runs,
    );
  });

  it('batches cover every target exactly once, in order', () => {
    fc.assert(
      fc.property(
        generatedList,
        fc.integer({ min: 1, max: 80 }),
        ({ targets, exclusions }, batchSize) => {
          const result = parseTargets(targets, exclusions);
          if (!result.ok) return;
          const total = countTargets(result.value);
          const batches = batchDescriptors(total, batchSize);
          let expectedOffset = 0;
          for (const [index, batch] of batches.entries()) {
            expect(batch.index).toBe(index);
            expect(batch.offset).toBe(expectedOffset);
            expect(batch.count).toBeGreaterThan(0);
            expect(batch.count).toBeLessThanOrEqual(batchSize);
            expectedOffset += batch.count;
          }
          expect(expectedOffset).toBe(total);
          const covered = batches.flatMap((batch) =>
            sliceTargets(result.value, batch.offset, batch.count),
          );
          expect(covered).toEqual([...iterateTargets(result.value)]);
          expect(new Set(covered).size).toBe(total);
        },
      ),
      runs,
    );
  });
});

/** Strings near the grammar: fragments that almost parse, glued with junk. */
const nearTargetText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '10.0.0.1',
        '10.0.0.',
        '/',
        '-',
        '!',
        '::',
        ':',
        '#',
        ',',
        ' ',
        '\n',
        '\r',
        '.',
        '255',
        '256',
        '0',
        '/0',
        '/128',
        '/33',
        'ffff',
        'sensitive',
        'top-100',
        'a.lab',
        '-oN',
        '%',
        '__proto__',
        '٣',
        '\u0000',
        '\u2028',
        '\uD800',
      ),
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.integer({ min: 0, max: 70_000 }).map(String),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('robustness', () => {
  it('never throws on arbitrary text, only reports issues', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.string({ unit: 'grapheme' }),
          nearTargetText,
        ),
        fc.oneof(fc.string(), nearTargetText),
        (targets, exclusions) => {
          const result = parseTargets(targets, exclusions);
          if (result.ok) {
            expect(countTargets(result.value)).toBeGreaterThan(0);
            expect(countTargets(result.value)).toBeLessThanOrEqual(DEFAULT_MAX_HOSTS);
            expect(sliceTargets(result.value, 0, 5).length).toBeGreaterThan(0);
          } else {
            expect(result.issues.length).toBeGreaterThan(0);
            expect(result.issues.length).toBeLessThanOrEqual(MAX_INPUT_ISSUES);
            for (const issue of result.issues)
              expect(issue.message.endsWith(`: ${issue.reason}`)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never lets a token starting with "-" through', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), nearTargetText, (rest, other) => {
        const token = `-${rest.replace(/[\s,#]/g, '')}`;
        const result = parseTargets(`${other}\n${token}`);
        expect(result.ok).toBe(false);
        expect(result.ok ? [] : result.issues.map((issue) => issue.token)).toContain(token);
      }),
      runs,
    );
  });
});
