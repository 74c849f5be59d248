/**
 * Display names for products the built-in engine has a rule for. Matching
 * does not depend on this list: observations carry a CPE (`vendor:product`)
 * and rules are indexed by CPE, so any product a feed names can match.
 * These ids only give the well-known ones a stable short name and a CPE.
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

/**
 * The CPE `vendor:product` of each product, spelled as nmap 7.93 prints it
 * (so the built-in engine and nmap name a product alike; NVD's other
 * spellings are aliases in src/services/vulnerabilities/cpe-aliases.ts).
 */
export const PRODUCT_CPE: Readonly<Record<ProductId, string>> = {
  openssh: 'openbsd:openssh',
  dropbear: 'matt_johnston:dropbear_ssh_server',
  apache_httpd: 'apache:http_server',
  nginx: 'igor_sysoev:nginx',
  lighttpd: 'lighttpd:lighttpd',
  microsoft_iis: 'microsoft:internet_information_services',
  apache_tomcat: 'apache:tomcat',
  vsftpd: 'vsftpd:vsftpd',
  proftpd: 'proftpd:proftpd',
  pure_ftpd: 'pureftpd:pure-ftpd',
  exim: 'exim:exim',
  postfix: 'postfix:postfix',
  sendmail: 'sendmail:sendmail',
  redis: 'redislabs:redis',
  mysql: 'mysql:mysql',
  mariadb: 'mariadb:mariadb',
  postgresql: 'postgresql:postgresql',
  samba: 'samba:samba',
  openssl: 'openssl:openssl',
  memcached: 'memcached:memcached',
  mongodb: 'mongodb:mongodb',
  elasticsearch: 'elasticsearch:elasticsearch',
};

/** True for one of the ids above. */
export function isProductId(name: string): name is ProductId {
  return (PRODUCT_IDS as readonly string[]).includes(name);
}
