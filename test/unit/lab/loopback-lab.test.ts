import { describe, expect, it } from 'vitest';
import { PRODUCT_IDS } from '../../../src/shared/products.js';
import {
  assertLoopbackIpv4,
  generateLab,
  isLoopbackIpv4,
  startLoopbackLab,
  STANDARD_LAB,
} from '../../lab/loopback-lab.js';

describe('STANDARD_LAB', () => {
  it('holds exactly the vulnerable lab services with their expectations', () => {
    expect(
      STANDARD_LAB.services.map(({ host, port, expected }) => [
        `${host}:${port}`,
        expected.service,
        expected.product,
        expected.version,
      ]),
    ).toEqual([
      ['127.10.0.10:22', 'ssh', 'openssh', '7.2p2'],
      ['127.10.0.10:80', 'http', 'apache_httpd', '2.4.49'],
      ['127.10.0.11:21', 'ftp', 'vsftpd', '2.3.4'],
      ['127.10.0.12:21', 'ftp', 'proftpd', '1.3.5'],
      ['127.10.0.13:25', 'smtp', 'exim', '4.87'],
      ['127.10.0.14:6379', 'redis', 'redis', '5.0.7'],
      ['127.10.0.15:3306', 'mysql', 'mysql', '5.5.20'],
      ['127.10.0.16:80', 'http', 'nginx', '1.16.1'],
      ['127.10.0.17:80', 'http', 'microsoft_iis', '6.0'],
      ['127.10.0.18:80', 'http', 'lighttpd', '1.4.45'],
      ['127.10.0.19:22', 'ssh', 'openssh', '9.9'],
      ['127.10.0.20:25', 'smtp', 'postfix', undefined],
    ]);
  });

  it('uses the exact banners of the lab specification', () => {
    const banners = Object.fromEntries(
      STANDARD_LAB.services.map((entry) => [`${entry.host}:${entry.port}`, entry.banner]),
    );
    expect(banners['127.10.0.10:22']).toBe('SSH-2.0-OpenSSH_7.2p2 Ubuntu-4ubuntu2.8');
    expect(banners['127.10.0.10:80']).toBe('Apache/2.4.49 (Unix)');
    expect(banners['127.10.0.11:21']).toBe('220 (vsFTPd 2.3.4)');
    expect(banners['127.10.0.12:21']).toBe(
      '220 ProFTPD 1.3.5 Server (Debian) [::ffff:127.10.0.12]',
    );
    expect(banners['127.10.0.13:25']).toMatch(/^220 mail\.lab\.test ESMTP Exim 4\.87 /);
    expect(banners['127.10.0.20:25']).toBe('220 mx.lab.test ESMTP Postfix (Debian/GNU)');
  });
});

describe('generateLab', () => {
  it('numbers loopback hosts upwards from the base, skipping .0 and .255', () => {
    const lab = generateLab({ base: '127.20.0.0', hostCount: 4096, openPortsPerHost: 2 });
    const hosts = [...new Set(lab.services.map((entry) => entry.host))];
    expect(hosts).toHaveLength(4096);
    expect(hosts[0]).toBe('127.20.0.1');
    expect(hosts[253]).toBe('127.20.0.254');
    expect(hosts[254]).toBe('127.20.1.1');
    expect(lab.services).toHaveLength(8192);
    for (const host of hosts) {
      expect(isLoopbackIpv4(host)).toBe(true);
      expect(host).not.toMatch(/\.(0|255)$/);
    }
  });

  it('gives every host SSH and HTTP and rotates the others, with canonical expectations', () => {
    const lab = generateLab({ hostCount: 10, openPortsPerHost: 4 });
    const byHost = new Map<string, number[]>();
    for (const entry of lab.services) {
      byHost.set(entry.host, [...(byHost.get(entry.host) ?? []), entry.port]);
      expect(PRODUCT_IDS).toContain(entry.expected.product);
    }
    for (const ports of byHost.values()) {
      expect(ports.slice(0, 2)).toEqual([22, 80]);
      expect(new Set(ports).size).toBe(ports.length);
    }
    expect(new Set(lab.services.map((entry) => entry.port)).size).toBeGreaterThan(4);
  });

  it('refuses bases outside 127.0.0.0/8 and counts it cannot honour', () => {
    expect(() => generateLab({ base: '10.0.0.0', hostCount: 1 })).toThrow(RangeError);
    expect(() => generateLab({ base: '127.255.255.250', hostCount: 10 })).toThrow(RangeError);
    expect(() => generateLab({ hostCount: 0 })).toThrow(RangeError);
    expect(() => generateLab({ hostCount: 1, openPortsPerHost: 99 })).toThrow(RangeError);
  });
});

describe('loopback address rule', () => {
  it.each(['127.0.0.1', '127.10.0.10', '127.255.255.254'])('accepts %s', (host) => {
    expect(() => assertLoopbackIpv4(host)).not.toThrow();
  });

  it.each([
    '10.0.0.1',
    '0.0.0.0',
    '::1',
    '128.0.0.1',
    '127.0.0.256',
    '127.1',
    '127.01.0.1',
    'localhost',
    ' 127.0.0.1',
  ])('refuses %j', (host) => {
    expect(() => assertLoopbackIpv4(host)).toThrow(RangeError);
  });

  it('startLoopbackLab refuses a definition with any non-loopback address before binding anything', async () => {
    await expect(
      startLoopbackLab({
        name: 'bad',
        services: [
          { ...STANDARD_LAB.services[0]!, host: '127.10.0.10' },
          { ...STANDARD_LAB.services[1]!, host: '0.0.0.0' },
        ],
      }),
    ).rejects.toThrow(/127\.0\.0\.0\/8/);
  });
});
