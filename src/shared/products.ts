/**
 * Canonical product ids. Engines name products the way their source does
 * ("OpenSSH", "Apache httpd", "Microsoft IIS httpd", "Exim smtpd", ...); the
 * vulnerability rules and threat records use these ids, so every engine's
 * product name passes through `canonicalProduct` first.
 */
export const PRODUCT_IDS = [
  'openssh',
  'dropbear',
  'apache_httpd',
  'nginx',
  'lighttpd',
  'microsoft_iis',
  'apache_tomcat',
  'vsftpd',
  'proftpd',
  'pure_ftpd',
  'exim',
  'postfix',
  'sendmail',
  'redis',
  'mysql',
  'mariadb',
  'postgresql',
  'samba',
  'openssl',
  'memcached',
  'mongodb',
  'elasticsearch',
] as const;
export type ProductId = (typeof PRODUCT_IDS)[number];

/** Patterns tried in order against a product name from a banner, nmap or a CPE. */
const PRODUCT_PATTERNS: ReadonlyArray<readonly [RegExp, ProductId]> = [
  [/openssh/i, 'openssh'],
  [/dropbear/i, 'dropbear'],
  [/microsoft[\s_-]*iis|^iis$/i, 'microsoft_iis'],
  [/tomcat|coyote/i, 'apache_tomcat'],
  [/apache(?:[\s_-]*httpd)?$|^http_server$|apache httpd/i, 'apache_httpd'],
  [/nginx/i, 'nginx'],
  [/lighttpd/i, 'lighttpd'],
  [/vsftpd/i, 'vsftpd'],
  [/proftpd/i, 'proftpd'],
  [/pure[\s_-]*ftpd/i, 'pure_ftpd'],
  [/exim/i, 'exim'],
  [/postfix/i, 'postfix'],
  [/sendmail/i, 'sendmail'],
  [/redis/i, 'redis'],
  [/mariadb/i, 'mariadb'],
  [/mysql/i, 'mysql'],
  [/postgres/i, 'postgresql'],
  [/samba|smbd/i, 'samba'],
  [/openssl/i, 'openssl'],
  [/memcache/i, 'memcached'],
  [/mongo/i, 'mongodb'],
  [/elasticsearch/i, 'elasticsearch'],
];

/** Maps a product name as an engine or feed spells it to its canonical id, or undefined. */
export function canonicalProduct(name: string | undefined): ProductId | undefined {
  if (!name) return undefined;
  const trimmed = name.trim();
  for (const [pattern, id] of PRODUCT_PATTERNS) {
    if (pattern.test(trimmed)) return id;
  }
  return undefined;
}
