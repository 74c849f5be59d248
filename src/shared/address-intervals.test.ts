import { describe, expect, it } from 'vitest';
import { compareAddresses, summarizeAddresses } from './address-intervals.js';

describe('summarizeAddresses', () => {
  it('writes consecutive addresses as CIDR blocks or ranges, in address order', () => {
    const block = Array.from({ length: 256 }, (_, host) => `127.80.0.${host}`);
    const run = Array.from({ length: 10 }, (_, host) => `127.80.1.${host}`);
    expect(summarizeAddresses([...run, '10.0.0.7', ...block])).toBe(
      '10.0.0.7, 127.80.0.0-127.80.1.9',
    );
    expect(summarizeAddresses(block)).toBe('127.80.0.0/24');
  });

  it('keeps a 45,000-host list short', () => {
    const hosts = Array.from(
      { length: 45_000 },
      (_, index) => `127.80.${index >> 8}.${index & 255}`,
    );
    expect(summarizeAddresses(hosts)).toBe('127.80.0.0-127.80.175.199');
  });

  it('handles IPv6, duplicates and non-addresses', () => {
    expect(summarizeAddresses(['2001:db8::2', '2001:db8::1', '2001:db8::1', 'web.lab'])).toBe(
      '2001:db8::1-2001:db8::2, web.lab',
    );
    expect(summarizeAddresses([])).toBe('');
  });
});

describe('compareAddresses', () => {
  it('orders numerically, IPv4 before IPv6, also past its cache of parsed addresses', () => {
    // 20,000 addresses: more than the cache keeps, so it is cleared mid-sort.
    const ordered = [
      ...Array.from(
        { length: 20_000 },
        (_, index) => `127.${index >> 16}.${(index >> 8) & 255}.${index & 255}`,
      ),
      '::1',
      '::2',
      'fe80::1',
    ];
    // A fixed shuffle: reversed halves interleaved.
    const shuffled = ordered.flatMap((_, index) =>
      index % 2 === 0 ? [ordered[ordered.length - 1 - index]!] : [ordered[index]!],
    );
    expect(new Set(shuffled).size).toBe(ordered.length);
    expect([...shuffled].sort(compareAddresses)).toEqual(ordered);
    expect(compareAddresses('127.0.0.9', '127.0.0.10')).toBeLessThan(0);
  });
});
