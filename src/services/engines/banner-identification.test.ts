import { describe, expect, it } from 'vitest';
import {
  identifyService,
  isReplyComplete,
  normalizeVersion,
  parseMysqlGreeting,
  parseServerHeader,
  printableBanner,
} from './banner-identification.js';

/** A protocol-10 greeting as MySQL and MariaDB send it (header, version, thread id, salt, capabilities...). */
function mysqlGreeting(version: string): Buffer {
  const payload = Buffer.concat([
    Buffer.from([0x0a]),
    Buffer.from(`${version}\0`, 'latin1'),
    Buffer.from([0x2a, 0, 0, 0]),
    Buffer.from('5]Xq(+`1', 'latin1'),
    Buffer.from([0, 0xff, 0xf7, 0x21, 0x02, 0x00, 0xff, 0x81, 0x15]),
    Buffer.alloc(10),
    Buffer.from('Y8kv&pF"Eh:P\0mysql_native_password\0', 'latin1'),
  ]);
  return Buffer.concat([Buffer.from([payload.length, 0, 0, 0]), payload]);
}

function mysqlError(message: string): Buffer {
  const payload = Buffer.concat([Buffer.from([0xff, 0x6a, 0x04]), Buffer.from(message, 'latin1')]);
  return Buffer.concat([Buffer.from([payload.length, 0, 0, 0]), payload]);
}

const text = (value: string): Buffer => Buffer.from(value, 'latin1');

const REDIS_INFO =
  '$374\r\n# Server\r\nredis_version:5.0.7\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:66bd629f924ac924\r\nredis_mode:standalone\r\nos:Linux 5.4.0-26-generic x86_64\r\n';

describe('identifyService', () => {
  it.each([
    // [reply, port, service, product, version]
    ['SSH-2.0-OpenSSH_7.2p2 Ubuntu-4ubuntu2.8\r\n', 22, 'ssh', 'openssh', '7.2p2'],
    ['SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n', 22, 'ssh', 'openssh', '8.9p1'],
    ['SSH-2.0-OpenSSH_7.4\r\n', 2222, 'ssh', 'openssh', '7.4'],
    ['SSH-2.0-OpenSSH_9.9\r\n', 22, 'ssh', 'openssh', '9.9'],
    ['SSH-2.0-OpenSSH_for_Windows_8.1\r\n', 22, 'ssh', 'openssh', '8.1'],
    ['SSH-2.0-dropbear_2019.78\r\n', 22, 'ssh', 'dropbear', '2019.78'],
    // Products without a rule of their own keep the name and version they give (generic token).
    ['SSH-1.99-Cisco-1.25\r\n', 22, 'ssh', 'Cisco', '1.25'],
    ['SSH-2.0-libssh_0.8.1\r\n', 22, 'ssh', 'libssh', '0.8.1'],
    ['220 (vsFTPd 2.3.4)\r\n', 21, 'ftp', 'vsftpd', '2.3.4'],
    ['220 (vsFTPd 3.0.3)\r\n', 2121, 'ftp', 'vsftpd', '3.0.3'],
    ['220 ProFTPD 1.3.5 Server (Debian) [::ffff:127.10.0.12]\r\n', 21, 'ftp', 'proftpd', '1.3.5'],
    [
      '220 ProFTPD 1.3.5e Server (ProFTPD Default Installation) [10.0.0.5]\r\n',
      21,
      'ftp',
      'proftpd',
      '1.3.5e',
    ],
    [
      '220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------\r\n220-You are user number 1 of 50 allowed.\r\n220 You will be disconnected after 15 minutes of inactivity.\r\n',
      21,
      'ftp',
      'pure_ftpd',
      undefined,
    ],
    ['220-FileZilla Server 0.9.60 beta\r\n220 Welcome\r\n', 21, 'ftp', 'FileZilla', '0.9.60'],
    ['220 mail.lab.test ESMTP OpenSMTPD 6.6.4\r\n', 25, 'smtp', 'OpenSMTPD', '6.6.4'],
    [
      '220 mail.lab.test ESMTP Exim 4.87 Ubuntu Tue, 03 Nov 2026 09:14:27 +0000\r\n',
      25,
      'smtp',
      'exim',
      '4.87',
    ],
    [
      '220-mx.example.org ESMTP Exim 4.94.2 #2 Tue, 03 Nov 2026 09:14:27 +0000 \r\n220 spam is not welcome\r\n',
      25,
      'smtp',
      'exim',
      '4.94.2',
    ],
    ['220 mx.lab.test ESMTP Postfix (Debian/GNU)\r\n', 25, 'smtp', 'postfix', undefined],
    ['220 mail.example.com ESMTP Postfix (Ubuntu)\r\n', 587, 'smtp', 'postfix', undefined],
    [
      '220 mail.example.com ESMTP Sendmail 8.15.2/8.15.2; Tue, 3 Nov 2026 09:14:27 GMT\r\n',
      25,
      'smtp',
      'sendmail',
      '8.15.2',
    ],
    [
      '220 EXCH01.corp.example Microsoft ESMTP MAIL Service ready\r\n',
      25,
      'smtp',
      undefined,
      undefined,
    ],
    [
      'HTTP/1.1 200 OK\r\nDate: Tue, 03 Nov 2026 09:14:27 GMT\r\nServer: Apache/2.4.49 (Unix)\r\nContent-Length: 45\r\nContent-Type: text/html\r\n\r\n',
      80,
      'http',
      'apache_httpd',
      '2.4.49',
    ],
    [
      'HTTP/1.1 404 Not Found\r\nServer: Apache/2.4.41 (Ubuntu) OpenSSL/1.1.1f\r\n\r\n',
      8080,
      'http',
      'apache_httpd',
      '2.4.41',
    ],
    [
      'HTTP/1.1 200 OK\r\nServer: nginx/1.16.1\r\nContent-Type: text/html\r\n\r\n',
      80,
      'http',
      'nginx',
      '1.16.1',
    ],
    ['HTTP/1.1 301 Moved Permanently\r\nServer: nginx\r\n\r\n', 80, 'http', 'nginx', undefined],
    [
      'HTTP/1.1 200 OK\r\nContent-Length: 1433\r\nContent-Type: text/html\r\nServer: Microsoft-IIS/6.0\r\nX-Powered-By: ASP.NET\r\n\r\n',
      80,
      'http',
      'microsoft_iis',
      '6.0',
    ],
    ['HTTP/1.0 200 OK\r\nServer: lighttpd/1.4.45\r\n\r\n', 80, 'http', 'lighttpd', '1.4.45'],
    ['HTTP/1.1 200 OK\r\nServer: thttpd/2.25b 29dec2003\r\n\r\n', 80, 'http', 'thttpd', '2.25b'],
    [
      'HTTP/1.1 200 OK\r\nServer: Jetty(9.4.11.v20180605)\r\n\r\n',
      8080,
      'http',
      'Jetty',
      '9.4.11.v20180605',
    ],
    [
      'HTTP/1.1 200 OK\r\nServer: Apache-Coyote/1.1\r\n\r\n',
      8080,
      'http',
      'apache_tomcat',
      undefined,
    ],
    ['HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n', 8000, 'http', undefined, undefined],
    [REDIS_INFO, 6379, 'redis', 'redis', '5.0.7'],
    ['-NOAUTH Authentication required.\r\n', 6379, 'redis', 'redis', undefined],
    [
      '-ERR unknown command `HEAD`, with args beginning with: `/`, `HTTP/1.0`, \r\n',
      7000,
      'redis',
      'redis',
      undefined,
    ],
    ['+PONG\r\n', 6379, 'redis', 'redis', undefined],
    ['VERSION 1.6.9\r\n', 11211, 'memcache', 'memcached', '1.6.9'],
    ['+OK Dovecot ready.\r\n', 110, 'pop3', undefined, undefined],
    [
      '* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR] Dovecot ready.\r\n',
      143,
      'imap',
      undefined,
      undefined,
    ],
  ])('identifies %j', (reply, port, service, product, version) => {
    const identity = identifyService(text(reply), port);
    expect(identity.service).toBe(service);
    expect(identity.product).toBe(product);
    expect(identity.version).toBe(version);
    expect(identity.banner?.length).toBeGreaterThan(0);
  });

  it.each([
    ['5.5.20', 'mysql', '5.5.20'],
    ['5.5.20-log', 'mysql', '5.5.20'],
    ['8.0.35-0ubuntu0.22.04.1', 'mysql', '8.0.35'],
    ['5.5.5-10.3.27-MariaDB-0+deb10u1', 'mariadb', '10.3.27'],
    ['10.6.12-MariaDB-1:10.6.12+maria~ubu2004', 'mariadb', '10.6.12'],
  ])('identifies a MySQL-protocol greeting with version %s', (serverVersion, product, version) => {
    const identity = identifyService(mysqlGreeting(serverVersion), 3306);
    expect(identity).toMatchObject({ service: 'mysql', product, version });
    expect(identity.banner).toContain(serverVersion);
  });

  it('names MySQL from an error packet that refuses the client', () => {
    const identity = identifyService(
      mysqlError("Host '10.0.0.5' is not allowed to connect to this MySQL server"),
      3306,
    );
    expect(identity).toMatchObject({ service: 'mysql', product: 'mysql' });
    expect(identity.version).toBeUndefined();
  });

  it('keeps only the head of an HTTP reply in the banner', () => {
    const identity = identifyService(
      text('HTTP/1.1 200 OK\r\nServer: nginx/1.16.1\r\n\r\n<html>welcome</html>'),
      80,
    );
    expect(identity.banner).toBe('HTTP/1.1 200 OK\nServer: nginx/1.16.1');
  });

  it('falls back to the port for the service name of a silent or unknown service', () => {
    expect(identifyService(Buffer.alloc(0), 22)).toEqual({ service: 'ssh' });
    expect(identifyService(Buffer.alloc(0), 40000)).toEqual({});
    const unknown = identifyService(Buffer.from([0x00, 0x01, 0xfe, 0x41]), 40000);
    expect(unknown).toEqual({ banner: '\\x00\\x01\\xfeA' });
  });
});

describe('normalizeVersion', () => {
  it.each([
    ['7.2p2 Ubuntu 4ubuntu2.8', '7.2p2'],
    ['7.2p2', '7.2p2'],
    ['2.4.49', '2.4.49'],
    ['1.3.5e', '1.3.5e'],
    ['1.3.5rc3', '1.3.5rc3'],
    ['8.15.2/8.15.2', '8.15.2'],
    ['5.5.20-log', '5.5.20'],
    ['1.0.2k-fips', '1.0.2k'],
    ['v1.2.3', '1.2.3'],
    ['  4.87 ', '4.87'],
    ['unknown', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j gives %j', (raw, expected) => {
    expect(normalizeVersion(raw)).toBe(expected);
  });
});

describe('parseServerHeader', () => {
  it('reads the first product token', () => {
    expect(parseServerHeader('Apache/2.4.49 (Unix) OpenSSL/1.1.1')).toEqual({
      product: 'apache_httpd',
      version: '2.4.49',
    });
    expect(parseServerHeader('cloudflare')).toEqual({});
  });
});

describe('parseMysqlGreeting', () => {
  it('rejects bytes that are not a protocol-10 greeting', () => {
    expect(parseMysqlGreeting(text('SSH-2.0-OpenSSH_9.9\r\n'))).toBeUndefined();
    expect(parseMysqlGreeting(mysqlGreeting('5.5.20').subarray(0, 8))).toBeUndefined();
    expect(parseMysqlGreeting(mysqlGreeting('5.5.20'))).toBe('5.5.20');
  });
});

describe('printableBanner', () => {
  it('escapes control and non-ASCII bytes, drops carriage returns', () => {
    expect(printableBanner(Buffer.from([0x41, 0x0d, 0x0a, 0x09, 0x07, 0xe9]))).toBe(
      'A\n\t\\x07\\xe9',
    );
  });

  it('never exceeds the limit nor cuts an escape in half', () => {
    const long = printableBanner(Buffer.alloc(5000, 0x41));
    expect(long).toHaveLength(1024);
    const escaped = printableBanner(Buffer.concat([Buffer.alloc(1022, 0x41), Buffer.from([0x01])]));
    expect(escaped).toBe('A'.repeat(1022));
  });
});

describe('isReplyComplete', () => {
  it.each([
    ['SSH-2.0-OpenSSH_9.9\r\n', true],
    ['SSH-2.0-OpenSSH_9.9', false],
    ['220-first line\r\n', false],
    ['220-first line\r\n220 last line\r\n', true],
    ['HTTP/1.1 200 OK\r\nServer: nginx\r\n', false],
    ['HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n', true],
    ['$10\r\n0123', false],
    ['$10\r\n0123456789\r\n', true],
  ])('%j -> %s', (reply, complete) => {
    expect(isReplyComplete(text(reply))).toBe(complete);
  });

  it('waits for the whole MySQL packet', () => {
    const greeting = mysqlGreeting('5.5.20');
    expect(isReplyComplete(greeting.subarray(0, 20))).toBe(false);
    expect(isReplyComplete(greeting)).toBe(true);
  });
});
