import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  isVersionAffected,
  parseVersion,
  upstreamVersion,
} from './version-compare.js';

describe('compareVersions', () => {
  // Each row: left < right.
  const ascending: Array<[string, string]> = [
    // OpenSSH portable
    ['7.2p2', '7.2p3'],
    ['7.2p3', '7.3'],
    ['7.3', '7.3p1'],
    ['7.2', '7.2p1'],
    ['7.2p2', '7.2p10'],
    ['7.9p1', '8.0'],
    ['8.5p1', '9.8p1'],
    ['9.3p1', '9.3p2'],
    ['9.8p1', '9.9'],
    ['4.3p2', '4.4p1'],
    ['4.4', '4.4p1'],
    // Apache httpd, nginx, lighttpd
    ['2.4.49', '2.4.50'],
    ['2.4.9', '2.4.10'],
    ['2.2.34', '2.4.0'],
    ['1.16.1', '1.17.7'],
    ['1.4.45', '1.4.50'],
    // ProFTPD letter releases and release candidates
    ['1.3.5', '1.3.5a'],
    ['1.3.5a', '1.3.5b'],
    ['1.3.5b', '1.3.5e'],
    ['1.3.5e', '1.3.6'],
    ['1.3.6rc1', '1.3.6'],
    ['1.3.6rc1', '1.3.6rc2'],
    ['1.3.5rc4', '1.3.5'],
    ['1.3.6', '1.3.6a'],
    ['1.3.7b', '1.3.7c'],
    // Exim's optional fourth component
    ['4.87', '4.87.1'],
    ['4.87.1', '4.88'],
    ['4.90', '4.90.1'],
    ['4.92.1', '4.92.2'],
    // MySQL, Redis, Samba
    ['5.5.20', '5.5.24'],
    ['5.5.52', '5.6.0'],
    ['5.0.7', '5.0.14'],
    ['4.5.9', '4.5.10'],
    ['4.4.14', '4.5.0'],
    // IIS, Dropbear
    ['5.1', '6.0'],
    ['6.0', '7.5'],
    ['2016.73', '2016.74'],
    // OpenSSL letters and betas
    ['1.0.1', '1.0.1a'],
    ['1.0.1f', '1.0.1g'],
    ['1.0.1t', '1.0.2'],
    ['1.0.2-beta1', '1.0.2'],
    ['1.0.2-beta1', '1.0.2-beta2'],
    // Tomcat milestones and release candidates
    ['9.0.0.M1', '9.0.0'],
    ['9.0.0-M1', '9.0.0.M27'],
    ['8.0.0-RC1', '8.0.0'],
    ['10.1.0-M1', '10.1.0'],
    // pre-release maturity order
    ['1.0-dev', '1.0-alpha'],
    ['1.0-alpha', '1.0-beta'],
    ['1.0-beta', '1.0-rc1'],
    ['1.0-rc1', '1.0'],
  ];

  it.each(ascending)('%s < %s', (left, right) => {
    expect(compareVersions(left, right)).toBe(-1);
    expect(compareVersions(right, left)).toBe(1);
  });

  const equal: Array<[string, string]> = [
    ['7.2p2', '7.2p2'],
    ['6.0', '6'],
    ['4.87', '4.87.0'],
    ['v2.4.49', '2.4.49'],
    ['V1.16.1', '1.16.1'],
    ['7.2p2 Ubuntu-4ubuntu2.8', '7.2p2'],
    ['7.2p2-hpn14v5', '7.2p2'],
    ['5.5.20-log', '5.5.20'],
    ['5.7.33-0ubuntu0.18.04.1', '5.7.33'],
    ['1:7.9p1-10+deb10u2', '7.9p1'],
    ['2.4.49 (Unix)', '2.4.49'],
    ['1.18.0+dfsg', '1.18.0'],
    ['7.2P2', '7.2p2'],
    ['9.0.0.M1', '9.0.0-M1'],
    ['1.0.07', '1.0.7'],
  ];

  it.each(equal)('%s = %s', (left, right) => {
    expect(compareVersions(left, right)).toBe(0);
    expect(compareVersions(right, left)).toBe(0);
  });

  it('refuses strings that are not versions', () => {
    expect(() => compareVersions('', '1.0')).toThrow(RangeError);
    expect(() => compareVersions('1.0', 'unknown')).toThrow(/not a version/);
    expect(parseVersion('OpenSSH_7.2p2')).toBeUndefined();
    expect(parseVersion('   ')).toBeUndefined();
  });

  it('keeps upstream pre-release suffixes and drops distribution ones', () => {
    expect(upstreamVersion('7.2p2 Ubuntu-4ubuntu2.8')).toBe('7.2p2');
    expect(upstreamVersion('1.0.2-beta1')).toBe('1.0.2-beta1');
    expect(upstreamVersion('10.1.0-M1')).toBe('10.1.0-M1');
    expect(upstreamVersion('5.5.20-log')).toBe('5.5.20');
    expect(upstreamVersion('1.2.3-rc1-ubuntu1')).toBe('1.2.3-rc1');
    expect(upstreamVersion('v1.16.1')).toBe('1.16.1');
  });
});

describe('compareVersions properties', () => {
  // Versions built from the pieces real products use, so the generator hits letters, p-releases and rc tags.
  const component = fc.integer({ min: 0, max: 30 });
  const suffix = fc.oneof(
    fc.constant(''),
    fc.constantFrom('a', 'b', 'e', 'f'),
    component.map((value) => `p${value}`),
    component.map((value) => `rc${value}`),
    component.map((value) => `-beta${value}`),
    component.map((value) => `.M${value}`),
  );
  const distribution = fc.constantFrom('', ' Ubuntu-4ubuntu2.8', '-log', '+deb10u1');
  const upstream = fc
    .tuple(fc.array(component, { minLength: 1, maxLength: 4 }), suffix)
    .map(([numbers, tail]) => `${numbers.join('.')}${tail}`);
  const version = fc
    .tuple(upstream, distribution)
    .map(([base, distributionSuffix]) => `${base}${distributionSuffix}`);

  it('is reflexive', () => {
    fc.assert(fc.property(version, (value) => compareVersions(value, value) === 0));
  });

  it('is antisymmetric', () => {
    fc.assert(
      fc.property(version, version, (left, right) => {
        expect(compareVersions(left, right)).toBe(-compareVersions(right, left) || 0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is transitive', () => {
    fc.assert(
      fc.property(version, version, version, (first, second, third) => {
        const sorted = [first, second, third].sort(compareVersions);
        expect(compareVersions(sorted[0]!, sorted[1]!)).toBeLessThanOrEqual(0);
        expect(compareVersions(sorted[1]!, sorted[2]!)).toBeLessThanOrEqual(0);
        expect(compareVersions(sorted[0]!, sorted[2]!)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is consistent with equality: spellings of one version order the same against any third', () => {
    // A leading v, a trailing .0 and a distribution suffix all spell the same version.
    const spellings = fc
      .tuple(upstream, distribution, distribution, fc.boolean(), fc.boolean())
      .map(([base, first, second, prefixed, padded]) => [
        `${base}${first}`,
        `${prefixed ? 'v' : ''}${base}${padded ? '.0' : ''}${second}`,
      ]);
    fc.assert(
      fc.property(spellings, version, ([left, right], third) => {
        expect(compareVersions(left!, right!)).toBe(0);
        expect(compareVersions(left!, third)).toBe(compareVersions(right!, third));
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on arbitrary strings that start with a digit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0 }), fc.string(), (major, rest) => {
        const value = `${major}${rest}`;
        expect([-1, 0, 1]).toContain(compareVersions(value, '1.0'));
      }),
    );
  });
});

describe('isVersionAffected', () => {
  it('honours inclusive and exclusive bounds', () => {
    const range = { versionStartIncluding: '4.87', versionEndIncluding: '4.91' };
    expect(isVersionAffected('4.86', range)).toBe(false);
    expect(isVersionAffected('4.87', range)).toBe(true);
    expect(isVersionAffected('4.91', range)).toBe(true);
    expect(isVersionAffected('4.91.1', range)).toBe(false);
    const exclusive = { versionStartExcluding: '8.5p1', versionEndExcluding: '9.8p1' };
    expect(isVersionAffected('8.5p1', exclusive)).toBe(false);
    expect(isVersionAffected('8.6', exclusive)).toBe(true);
    expect(isVersionAffected('9.8', exclusive)).toBe(true);
    expect(isVersionAffected('9.8p1', exclusive)).toBe(false);
  });

  it('matches exact versions after normalisation', () => {
    expect(isVersionAffected('2.3.4', { exact: '2.3.4' })).toBe(true);
    expect(isVersionAffected('6.0', { exact: '6.0' })).toBe(true);
    expect(isVersionAffected('6', { exact: '6.0' })).toBe(true);
    expect(isVersionAffected('2.4.50', { exact: '2.4.49' })).toBe(false);
    expect(isVersionAffected('not-a-version', { exact: '2.4.49' })).toBe(false);
  });
});
