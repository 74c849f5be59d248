import type { ProductId } from '../../src/shared/products.js';

/** One service of the loopback test lab, as the scanner should identify it. */
export interface LabService {
  readonly host: string;
  readonly port: number;
  readonly product: ProductId;
  /** Absent when the service does not announce one (Postfix's greeting). */
  readonly version?: string;
  /** CVE ids resources/vulnerability-rules.json must yield for it, sorted. */
  readonly expectedCves: readonly string[];
}

/**
 * The loopback lab and what the bundled rules must find on it. The CVE
 * lists were worked out by hand from each rule's affected ranges, not by
 * running the matcher, so the unit test beside this file checks the matcher
 * and the rules against an independent answer. Change a list only together
 * with the rule that justifies it.
 *
 * Two hosts are deliberately clean: OpenSSH 9.9 is newer than every bundled
 * OpenSSH range (regreSSHion stops before 9.8p1, Terrapin before 9.6), and
 * Postfix announces no version, which must never match.
 */
export const LAB_SERVICES: readonly LabService[] = [
  {
    host: '127.10.0.10',
    port: 22,
    product: 'openssh',
    version: '7.2p2',
    expectedCves: [
      'CVE-2016-10012',
      'CVE-2016-6210',
      'CVE-2016-6515',
      'CVE-2018-15473',
      'CVE-2019-6111',
      'CVE-2021-41617',
      'CVE-2023-38408',
      'CVE-2023-48795',
    ],
  },
  {
    host: '127.10.0.10',
    port: 80,
    product: 'apache_httpd',
    version: '2.4.49',
    expectedCves: [
      'CVE-2021-41773',
      'CVE-2021-42013',
      'CVE-2021-44224',
      'CVE-2021-44790',
      'CVE-2022-22720',
      'CVE-2022-31813',
      'CVE-2023-25690',
      'CVE-2024-38474',
      'CVE-2024-38476',
    ],
  },
  {
    host: '127.10.0.11',
    port: 21,
    product: 'vsftpd',
    version: '2.3.4',
    expectedCves: ['CVE-2011-2523'],
  },
  {
    host: '127.10.0.12',
    port: 21,
    product: 'proftpd',
    version: '1.3.5',
    expectedCves: [
      'CVE-2015-3306',
      'CVE-2019-12815',
      'CVE-2019-18217',
      'CVE-2021-46854',
      'CVE-2023-51713',
    ],
  },
  {
    host: '127.10.0.13',
    port: 25,
    product: 'exim',
    version: '4.87',
    expectedCves: ['CVE-2018-6789', 'CVE-2019-10149', 'CVE-2019-15846', 'CVE-2020-28017'],
  },
  {
    host: '127.10.0.14',
    port: 6379,
    product: 'redis',
    version: '5.0.7',
    expectedCves: [
      'CVE-2021-32627',
      'CVE-2021-32628',
      'CVE-2021-32675',
      'CVE-2021-32687',
      'CVE-2021-41099',
      'CVE-2022-24834',
    ],
  },
  {
    host: '127.10.0.15',
    port: 3306,
    product: 'mysql',
    version: '5.5.20',
    expectedCves: ['CVE-2016-6662', 'CVE-2016-6663', 'CVE-2016-6664'],
  },
  {
    host: '127.10.0.16',
    port: 80,
    product: 'nginx',
    version: '1.16.1',
    expectedCves: ['CVE-2019-20372', 'CVE-2021-23017', 'CVE-2022-41741'],
  },
  {
    host: '127.10.0.17',
    port: 80,
    product: 'microsoft_iis',
    version: '6.0',
    expectedCves: ['CVE-2017-7269'],
  },
  {
    host: '127.10.0.18',
    port: 80,
    product: 'lighttpd',
    version: '1.4.45',
    expectedCves: ['CVE-2018-19052', 'CVE-2019-11072'],
  },
  {
    host: '127.10.0.19',
    port: 22,
    product: 'openssh',
    version: '9.9',
    expectedCves: [],
  },
  {
    host: '127.10.0.20',
    port: 25,
    product: 'postfix',
    expectedCves: [],
  },
];

/** `host:port` -> expected CVE ids, for tests that look findings up by address. */
export const LAB_EXPECTED_CVES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  LAB_SERVICES.map((service) => [`${service.host}:${service.port}`, service.expectedCves]),
);

/** Every CVE the lab should produce, once each, sorted. */
export const LAB_ALL_EXPECTED_CVES: readonly string[] = [
  ...new Set(LAB_SERVICES.flatMap((service) => service.expectedCves)),
].sort();
