import { describe, expect, it } from 'vitest';
import { networkOf } from './host-network.js';

describe('networkOf (the state entry a host of a threat record or the host inventory lives in)', () => {
  it('groups IPv4 hosts by /24, IPv6 by the first four groups, hostnames alone', () => {
    expect(networkOf('127.44.1.62')).toBe('127.44.1');
    expect(networkOf('127.44.1.63')).toBe(networkOf('127.44.1.200'));
    expect(networkOf('127.44.2.1')).not.toBe(networkOf('127.44.1.1'));
    expect(networkOf('fd00:1:2:3:4:5:6:7')).toBe('fd00:1:2:3');
    expect(networkOf('db.lab.example')).toBe('db.lab.example');
  });
});
