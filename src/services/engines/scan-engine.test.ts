import { describe, expect, it } from 'vitest';
import { formatPorts } from '../../shared/port-spec.js';
import { assertScanInput, wellKnownService } from './scan-engine.js';

describe('ports as the nmap engine passes them to -p', () => {
  it.each([
    [[80], '80'],
    [[22, 21, 23, 80, 443, 444, 445], '21-23,80,443-445'],
    [[80, 80, 22], '22,80'],
    [Array.from({ length: 100 }, (_, index) => index + 1), '1-100'],
    [[1, 65535], '1,65535'],
    [[], ''],
  ])('%j -> %s', (ports, expected) => {
    expect(formatPorts(ports)).toBe(expected);
  });
});

describe('assertScanInput', () => {
  it('accepts IPv4 and IPv6 literals and valid ports', () => {
    expect(() => assertScanInput(['127.0.0.1', '::1'], [1, 80, 65535])).not.toThrow();
  });

  it.each([
    'localhost',
    '-sV',
    '--script=exploit',
    '127.0.0.1 -oN x',
    '127.0.0.0/24',
    '',
    '127.0.0.1\n-iR',
  ])('refuses host %j', (host) => {
    expect(() => assertScanInput([host], [80])).toThrow(TypeError);
  });

  it.each([0, 65536, 1.5, Number.NaN, -1])('refuses port %j', (port) => {
    expect(() => assertScanInput(['127.0.0.1'], [port])).toThrow(TypeError);
  });
});

describe('wellKnownService', () => {
  it('names ports as nmap-services does', () => {
    expect(wellKnownService(22)).toBe('ssh');
    expect(wellKnownService(6379)).toBe('redis');
    expect(wellKnownService(40000)).toBeUndefined();
  });
});
