/**
 * Products that nmap and NVD name differently. nmap's CPEs were written when
 * its service fingerprints were; NVD's dictionary has since renamed vendors
 * (nginx was `igor_sysoev`, then `nginx`, now `f5` for new entries) and
 * products (Dropbear). Each group lists every `vendor:product` that means the
 * same software; a lookup for any member searches all of them. Every group
 * is here because nmap 7.93 printed its first member for a lab service (see
 * cpe-aliases.test.ts, which holds the exact CPE nmap wrote).
 */
const EQUIVALENT_PRODUCTS: ReadonlyArray<readonly string[]> = [
  ['igor_sysoev:nginx', 'nginx:nginx', 'f5:nginx', 'f5:nginx_open_source'],
  ['mortbay:jetty', 'eclipse:jetty'],
  ['matt_johnston:dropbear_ssh_server', 'dropbear_ssh_project:dropbear_ssh'],
  ['vsftpd:vsftpd', 'vsftpd_project:vsftpd', 'beasts:vsftpd'],
  ['redislabs:redis', 'redis:redis'],
  ['mysql:mysql', 'oracle:mysql', 'oracle:mysql_server'],
  ['sendmail:sendmail', 'proofpoint:sendmail'],
  ['proftpd:proftpd', 'proftpd_project:proftpd'],
  ['microsoft:internet_information_services', 'microsoft:iis'],
];

const GROUP_BY_KEY: ReadonlyMap<string, readonly string[]> = new Map(
  EQUIVALENT_PRODUCTS.flatMap((group) => group.map((key) => [key, group] as const)),
);

/** Every `vendor:product` that names the same software as `key`, `key` first. */
export function equivalentProducts(key: string): readonly string[] {
  const group = GROUP_BY_KEY.get(key);
  return group ? [key, ...group.filter((member) => member !== key)] : [key];
}
