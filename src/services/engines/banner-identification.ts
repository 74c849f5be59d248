import {
  canonicalProduct,
  isProductId,
  PRODUCT_CPE,
  type ProductId,
} from '../../shared/products.js';
import { ANY, formatCpe23 } from '../vulnerabilities/cpe.js';
import { wellKnownService } from './scan-engine.js';

/** Longest banner kept on an observation (the Observation schema's limit). */
export const MAX_BANNER_LENGTH = 1024;

/** What a service's first words (or its answer to a probe) say about it. */
export interface ServiceIdentity {
  /** nmap's service name: `ssh`, `http`, `ftp`, `smtp`, `redis`, `mysql`... */
  service?: string;
  /** A display id from src/shared/products.ts, or the name the service gave itself (`libssh`, `thttpd`). */
  product?: string;
  /** Upstream version only (`7.2p2`); distribution suffixes stay in the banner. */
  version?: string;
  /** CPE 2.3 name for products with a known CPE (see PRODUCT_CPE); matching keys on it. */
  cpe?: string;
  /** Printable, at most MAX_BANNER_LENGTH characters; HTTP replies keep the head only. */
  banner?: string;
}

/** `HEAD / HTTP/1.0`: every web server answers it with its headers and no body. */
export const HTTP_PROBE = Buffer.from('HEAD / HTTP/1.0\r\n\r\n', 'latin1');
/** An inline command, which Redis accepts as well as RESP; the server section carries the version. */
export const REDIS_PROBE = Buffer.from('INFO server\r\n', 'latin1');
export const MEMCACHED_PROBE = Buffer.from('version\r\n', 'latin1');

/** Ports whose services wait for the client to speak, so waiting for a greeting would only waste time. */
const CLIENT_FIRST_PROBES: ReadonlyMap<number, Buffer> = new Map([
  [80, HTTP_PROBE],
  [81, HTTP_PROBE],
  [591, HTTP_PROBE],
  [3000, HTTP_PROBE],
  [5000, HTTP_PROBE],
  [8000, HTTP_PROBE],
  [8008, HTTP_PROBE],
  [8080, HTTP_PROBE],
  [8081, HTTP_PROBE],
  [8888, HTTP_PROBE],
  [9200, HTTP_PROBE],
  [6379, REDIS_PROBE],
  [11211, MEMCACHED_PROBE],
]);

/** The probe to send right after connecting, for ports where the client speaks first. */
export function immediateProbe(port: number): Buffer | undefined {
  return CLIENT_FIRST_PROBES.get(port);
}

/** The probe to send when a service stayed silent: HTTP unless the port says otherwise. */
export function fallbackProbe(port: number): Buffer {
  return CLIENT_FIRST_PROBES.get(port) ?? HTTP_PROBE;
}

/**
 * Upstream version from a version string as banners and nmap spell it:
 * `7.2p2 Ubuntu 4ubuntu2.8` and `7.2p2-hpn` give `7.2p2`, `8.15.2/8.15.2`
 * gives `8.15.2`, `5.5.20-log` gives `5.5.20`. Undefined when it does not
 * start with a digit.
 */
export function normalizeVersion(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  // `(?:\.v\d+)?` keeps Jetty's build date (`9.4.11.v20180605`), which NVD encodes as the CPE update.
  const match = /^v?(\d+(?:\.\d+)*(?:[a-z]+\d*)?(?:\.v\d+)?)/i.exec(raw.trim());
  return match?.[1];
}

/**
 * The CPE 2.3 name of a product with a known CPE (a display id), with its
 * version; undefined for a product only known by the name it gave.
 */
export function cpeForProduct(
  product: string | undefined,
  version: string | undefined,
): string | undefined {
  if (!product || !isProductId(product)) return undefined;
  const [vendor, name] = PRODUCT_CPE[product].split(':') as [string, string];
  return formatCpe23({ part: 'a', vendor, product: name, version: version ?? ANY, update: ANY });
}

/** Words that stand next to a version in greetings but are not the product's name. */
const NOT_PRODUCT_NAMES = new Set([
  'server',
  'ftp',
  'ftpd',
  'smtp',
  'esmtp',
  'smtpd',
  'mail',
  'version',
  'service',
  'ready',
  'daemon',
  'http',
  'https',
  'protocol',
  'ssh',
  'release',
  'build',
]);

/**
 * A generic `name/version` or `Name version` token, as services name
 * themselves in `Server:` headers (`thttpd/2.25b 29dec2003`), SSH software
 * versions (`libssh_0.8.1`) and FTP/SMTP greetings (`FileZilla Server
 * 0.9.41 beta`), for products without a rule of their own: a feed can still
 * match them by name.
 */
export function parseProductToken(text: string): { product: string; version: string } | undefined {
  const pattern =
    /(?:^|[\s([;,])([A-Za-z][A-Za-z0-9+]*(?:[._-][A-Za-z][A-Za-z0-9+]*)*)(?:[ ](?:server|ftpd|smtpd|daemon|version))?(?:\/|_|-|[ ]v?|[ ]version[ ]|\()(\d+(?:\.\d+)+[a-z]*\d*(?:\.v\d+)?)/gi;
  for (const match of text.matchAll(pattern)) {
    const product = match[1]!;
    if (NOT_PRODUCT_NAMES.has(product.toLowerCase())) continue;
    const version = normalizeVersion(match[2]);
    if (version) return { product, version };
  }
  return undefined;
}

/** Adds the CPE of a known product to an identity. */
function withCpe<T extends { product?: string; version?: string }>(
  identity: T,
): T & { cpe?: string } {
  const cpe = cpeForProduct(identity.product, identity.version);
  return cpe ? { ...identity, cpe } : identity;
}

/**
 * Renders bytes as printable text: `\n` and `\t` stay, `\r` goes, any other
 * control or non-ASCII byte becomes `\xNN`. Never longer than `maxLength`
 * and never ends inside an escape.
 */
export function printableBanner(bytes: Uint8Array, maxLength = MAX_BANNER_LENGTH): string {
  let text = '';
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index]!;
    let piece: string;
    if (byte >= 0x20 && byte <= 0x7e) piece = String.fromCharCode(byte);
    else if (byte === 0x0a) piece = '\n';
    else if (byte === 0x09) piece = '\t';
    else if (byte === 0x0d) continue;
    else piece = `\\x${byte.toString(16).padStart(2, '0')}`;
    if (text.length + piece.length > maxLength) break;
    text += piece;
  }
  return text.trimEnd();
}

/** The version string of a MySQL/MariaDB protocol-10 greeting, or undefined when `bytes` is not one. */
export function parseMysqlGreeting(bytes: Uint8Array): string | undefined {
  if (bytes.length < 6 || bytes[3] !== 0 || bytes[4] !== 0x0a) return undefined;
  const payloadLength = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16);
  if (payloadLength < 2 || payloadLength > 0xffff) return undefined;
  const end = Math.min(bytes.length, 4 + payloadLength);
  let version = '';
  for (let index = 5; index < end; index += 1) {
    const byte = bytes[index]!;
    if (byte === 0) return version.length > 0 ? version : undefined;
    if (byte < 0x20 || byte > 0x7e) return undefined;
    version += String.fromCharCode(byte);
  }
  return undefined;
}

/** True when a reply cannot grow any further in a useful way, so the grabber can stop waiting. */
export function isReplyComplete(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (bytes.length >= 5 && bytes[3] === 0 && (bytes[4] === 0x0a || bytes[4] === 0xff)) {
    const payloadLength = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16);
    return bytes.length >= 4 + payloadLength;
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (text.startsWith('HTTP/')) return /\r?\n\r?\n/.test(text);
  // A Redis bulk reply announces its length; anything shorter is still arriving.
  const bulk = /^\$(\d+)\r\n/.exec(text);
  if (bulk) return text.length >= bulk[0].length + Number(bulk[1]) + 2;
  if (!text.endsWith('\n')) return false;
  // FTP and SMTP continue multi-line replies with `220-`; the last line has `220 `.
  const lines = text.trimEnd().split(/\r?\n/);
  return !/^\d{3}-/.test(lines[lines.length - 1] ?? '');
}

/** Splits a `Server:` header such as `Apache/2.4.49 (Unix)` into product and version. */
export function parseServerHeader(value: string): Pick<ServiceIdentity, 'product' | 'version'> {
  const first = value.trim().split(/\s+/)[0] ?? '';
  const [name, rawVersion] = first.split('/', 2);
  const product = canonicalProduct(name);
  if (!product) return parseProductToken(value) ?? {};
  // Apache-Coyote/1.1 names the connector's version, not Tomcat's.
  if (product === 'apache_tomcat') return { product };
  const version = normalizeVersion(rawVersion);
  return version ? { product, version } : { product };
}

/** Product and version from a MySQL-protocol server version such as `5.5.5-10.3.27-MariaDB-0+deb10u1`. */
export function identifyMysqlVersion(
  versionString: string,
): Pick<ServiceIdentity, 'product' | 'version'> {
  // MariaDB prefixes its real version with `5.5.5-` so old clients accept it.
  const mariadb = /^(?:5\.5\.5-)?(\d+\.\d+\.\d+)[^-]*-MariaDB/i.exec(versionString);
  if (mariadb) return { product: 'mariadb', version: mariadb[1]! };
  const version = normalizeVersion(versionString);
  return version ? { product: 'mysql', version } : { product: 'mysql' };
}

function identifySsh(text: string): ServiceIdentity | undefined {
  const match = /^SSH-\d+\.\d+-(\S+)/.exec(text);
  if (!match) return undefined;
  const software = match[1]!;
  const split = /^(.*?)[_-](\d[\w.]*)$/.exec(software);
  const product = canonicalProduct(split?.[1] ?? software) ?? (split ? split[1] : undefined);
  const version = normalizeVersion(split?.[2]);
  return { service: 'ssh', ...(product && { product }), ...(product && version && { version }) };
}

function identifyHttp(text: string): ServiceIdentity | undefined {
  if (!/^HTTP\/\d\.\d \d{3}/.test(text)) return undefined;
  const server = /^Server:[ \t]*([^\r\n]+)/im.exec(text);
  return { service: 'http', ...(server && parseServerHeader(server[1]!)) };
}

function identifyRedis(text: string, port: number): ServiceIdentity | undefined {
  const version = /^redis_version:(\d[\w.]*)/m.exec(text);
  if (version)
    return { service: 'redis', product: 'redis', version: normalizeVersion(version[1])! };
  // Redis's own wording for errors, NOAUTH and protected mode; any `-ERR` on its port.
  if (
    /^-(?:NOAUTH|DENIED Redis)|^-ERR (?:unknown command|wrong number of arguments for)/.test(
      text,
    ) ||
    (port === 6379 && /^[-+](?:ERR|PONG|OK)/.test(text))
  ) {
    return { service: 'redis', product: 'redis' };
  }
  return undefined;
}

const FTP_PRODUCTS: ReadonlyArray<readonly [RegExp, ProductId]> = [
  [/vsFTPd (\d[\w.]*)/i, 'vsftpd'],
  [/ProFTPD (\d[\w.]*)/i, 'proftpd'],
  [/Pure-FTPd(?: (\d[\w.]*))?/i, 'pure_ftpd'],
];

const SMTP_PRODUCTS: ReadonlyArray<readonly [RegExp, ProductId]> = [
  [/\bExim (\d[\w.]*)/i, 'exim'],
  [/\bESMTP Postfix\b|\bPostfix\b/i, 'postfix'],
  [/\bSendmail (\d[\w.]*)|\bSendmail\b/i, 'sendmail'],
];

function firstProduct(
  text: string,
  table: ReadonlyArray<readonly [RegExp, ProductId]>,
): Pick<ServiceIdentity, 'product' | 'version'> | undefined {
  for (const [pattern, product] of table) {
    const match = pattern.exec(text);
    if (!match) continue;
    const version = normalizeVersion(match[1]);
    return version ? { product, version } : { product };
  }
  return undefined;
}

/** FTP and SMTP both greet with `220`; the product, the wording and then the port tell them apart. */
function identifyGreeting220(text: string, port: number): ServiceIdentity | undefined {
  if (!/^220[ -]/.test(text)) return undefined;
  const ftp = firstProduct(text, FTP_PRODUCTS);
  if (ftp) return { service: 'ftp', ...ftp };
  const smtp = firstProduct(text, SMTP_PRODUCTS);
  if (smtp) return { service: 'smtp', ...smtp };
  const greeting = text.split(/\r?\n/, 1)[0]!.replace(/^220[ -]/, '');
  const token = parseProductToken(greeting);
  const service = /\bE?SMTP\b|\bmail\b/i.test(text)
    ? 'smtp'
    : /\bFTP\b/i.test(text)
      ? 'ftp'
      : wellKnownService(port);
  return { ...(service && { service }), ...token };
}

function identifyOtherText(text: string): ServiceIdentity | undefined {
  const memcached = /^VERSION (\d[\w.]*)\r?\n/.exec(text);
  if (memcached) {
    return { service: 'memcache', product: 'memcached', version: normalizeVersion(memcached[1])! };
  }
  if (/^\+OK\b/.test(text)) return { service: 'pop3' };
  if (/^\* (?:OK|PREAUTH)\b/.test(text)) return { service: 'imap' };
  return undefined;
}

/**
 * Identifies a TCP service from the bytes it sent first or in answer to one
 * of this module's probes. Pure: the built-in engine calls it as bytes arrive
 * and the unit tests call it with real banners.
 */
export function identifyService(bytes: Uint8Array, port: number): ServiceIdentity {
  if (bytes.length === 0) {
    const service = wellKnownService(port);
    return service ? { service } : {};
  }
  const mysqlVersion = parseMysqlGreeting(bytes);
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 8192));
  const text = head.toString('latin1');
  const headerEnd = text.startsWith('HTTP/') ? text.search(/\r?\n\r?\n/) : -1;
  const banner = printableBanner(headerEnd > 0 ? head.subarray(0, headerEnd) : head);

  let identity: ServiceIdentity | undefined;
  if (mysqlVersion !== undefined) {
    identity = { service: 'mysql', ...identifyMysqlVersion(mysqlVersion) };
  } else if (bytes.length > 7 && bytes[3] === 0 && bytes[4] === 0xff) {
    // A MySQL error packet (e.g. "Host ... is not allowed to connect") still names the server.
    identity = { service: 'mysql', product: /MariaDB/i.test(text) ? 'mariadb' : 'mysql' };
  } else {
    identity =
      identifySsh(text) ??
      identifyHttp(text) ??
      identifyRedis(text, port) ??
      identifyGreeting220(text, port) ??
      identifyOtherText(text);
  }
  const service = identity?.service ?? wellKnownService(port);
  return {
    ...(identity && withCpe(identity)),
    ...(service && { service }),
    ...(banner.length > 0 && { banner }),
  };
}
