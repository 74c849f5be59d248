import { describe, expect, it } from 'vitest';
import { summarizeAddresses } from './address-intervals.js';

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
