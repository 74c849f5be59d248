import { describe, expect, it } from 'vitest';
import type { Observation } from '../../shared/observation.js';
import type { VulnerabilityRule } from '../../shared/vulnerability.js';
import { cpeVersionString, formatCpe23, formatCpeUri, parseCpe23, parseCpeUri } from './cpe.js';
import { equivalentProducts } from './cpe-aliases.js';
import { matchObservation, VulnerabilityRuleIndex } from './vulnerability-matcher.js';
import { compareVersions, parseVersion } from './version-compare.js';

describe('CPE 2.2 URIs as nmap writes them (NISTIR 7695 unbinding)', () => {
  it.each([
    [
      'cpe:/a:openbsd:openssh:7.2p2',
      { part: 'a', vendor: 'openbsd', product: 'openssh', version: '7.2p2', update: '*' },
    ],
    [
      'cpe:/a:sendmail:sendmail:8.14.4%2F8.14.4',
      { part: 'a', vendor: 'sendmail', product: 'sendmail', version: '8.14.4/8.14.4', update: '*' },
    ],
    [
      'cpe:/a:mariadb:mariadb:5.5.5-10.3.27-mariadb-0%2Bdeb10u1',
      {
        part: 'a',
        vendor: 'mariadb',
        product: 'mariadb',
        version: '5.5.5-10.3.27-mariadb-0+deb10u1',
        update: '*',
      },
    ],
    // Missing trailing components are ANY; an empty one too; `-` is NA.
    [
      'cpe:/o:linux:linux_kernel',
      { part: 'o', vendor: 'linux', product: 'linux_kernel', version: '*', update: '*' },
    ],
    [
      'cpe:/a:igor_sysoev:nginx',
      { part: 'a', vendor: 'igor_sysoev', product: 'nginx', version: '*', update: '*' },
    ],
    [
      'cpe:/a:vendor::1.0:-',
      { part: 'a', vendor: 'vendor', product: '*', version: '1.0', update: '-' },
    ],
    [
      'cpe:/a:Microsoft:IIS:7.5',
      { part: 'a', vendor: 'microsoft', product: 'iis', version: '7.5', update: '*' },
    ],
  ])('%s', (uri, expected) => {
    expect(parseCpeUri(uri)).toEqual(expected);
  });

  it('refuses what is not a CPE 2.2 URI', () => {
    expect(parseCpeUri('cpe:2.3:a:openbsd:openssh:7.2:p2:*:*:*:*:*:*')).toBeUndefined();
    expect(parseCpeUri('cpe:/x:vendor:product')).toBeUndefined();
    expect(parseCpeUri('cpe:/a:bad%zzencoding:x')).toBeUndefined();
    expect(parseCpeUri('openssh')).toBeUndefined();
  });
});

describe('CPE 2.3 formatted strings', () => {
  it('unbind with escapes and logical values', () => {
    expect(parseCpe23('cpe:2.3:a:openbsd:openssh:7.2:p2:*:*:*:*:*:*')).toEqual({
      part: 'a',
      vendor: 'openbsd',
      product: 'openssh',
      version: '7.2',
      update: 'p2',
    });
    expect(parseCpe23('cpe:2.3:a:vendor:odd\\:name:1.0:*:*:*:*:*:*:*')?.product).toBe('odd:name');
    expect(parseCpe23('cpe:2.3:a:proftpd:proftpd:1.3.6:-:*:*:*:*:*:*')?.update).toBe('-');
    // A quoted `\-` is a literal hyphen, not NA.
    expect(parseCpe23('cpe:2.3:a:v:p:\\-:*:*:*:*:*:*:*')?.version).toBe('-');
    expect(parseCpe23('cpe:/a:openbsd:openssh:7.2')).toBeUndefined();
  });

  it('bind back, quoting what the formatted-string binding quotes', () => {
    const sendmail = parseCpeUri('cpe:/a:sendmail:sendmail:8.14.4%2F8.14.4')!;
    const bound = formatCpe23(sendmail);
    expect(bound).toBe('cpe:2.3:a:sendmail:sendmail:8.14.4\\/8.14.4:*:*:*:*:*:*:*');
    expect(parseCpe23(bound)).toEqual(sendmail);
  });

  it('bind to the 2.2 URI nmap writes: ANY left out, NA kept, specials percent-encoded', () => {
    const openssh = parseCpe23('cpe:2.3:a:openbsd:openssh:7.2:p2:*:*:*:*:*:*')!;
    expect(formatCpeUri(openssh)).toBe('cpe:/a:openbsd:openssh:7.2:p2');
    const sendmail = parseCpeUri('cpe:/a:sendmail:sendmail:8.14.4%2F8.14.4')!;
    expect(formatCpeUri(sendmail)).toBe('cpe:/a:sendmail:sendmail:8.14.4%2F8.14.4');
    expect(formatCpeUri(parseCpeUri('cpe:/a:vendor:product:-')!)).toBe('cpe:/a:vendor:product:-');
    expect(parseCpeUri(formatCpeUri(openssh))).toEqual(openssh);
  });

  it('join version and update the way NVD splits them', () => {
    expect(cpeVersionString({ version: '7.2', update: 'p2' })).toBe('7.2p2');
    expect(cpeVersionString({ version: '1.3.6', update: 'rc2' })).toBe('1.3.6rc2');
    expect(cpeVersionString({ version: '9.4.11', update: '20180605' })).toBe('9.4.11.20180605');
    expect(cpeVersionString({ version: '1.3.6', update: '-' })).toBe('1.3.6');
    expect(cpeVersionString({ version: '*', update: '*' })).toBeUndefined();
  });
});

describe('version + update pairs compared the way NVD encodes them', () => {
  // [observed version (engine), NVD version, NVD update, expected order of observed vs NVD]
  it.each([
    ['7.2p2', '7.2', 'p2', 0],
    ['7.2p1', '7.2', 'p2', -1],
    ['7.2', '7.2', 'p2', -1],
    ['7.3', '7.2', 'p2', 1],
    ['1.3.6rc2', '1.3.6', 'rc2', 0],
    ['1.3.6rc1', '1.3.6', 'rc2', -1],
    ['1.3.6', '1.3.6', 'rc2', 1],
    ['1.3.6b', '1.3.6', '-', 1],
    ['1.0.2-beta1', '1.0.2', 'beta1', 0],
    ['1.0.2-beta1', '1.0.2', 'beta2', -1],
    ['9.4.11.v20180605', '9.4.11', '20180605', 0],
    ['9.4.11.v20180605', '9.4.11', '20180619', -1],
    ['9.4.53.v20231009', '9.4.15', '20190215', 1],
    ['8.14.4/8.14.4', '8.14.4', '*', 0],
    ['5.5.20-log', '5.5.20', '*', 0],
    ['2016.74', '2016.74', '*', 0],
    ['2.25b', '2.25', 'b', 0],
    ['0.94.14rc21', '0.94.14', 'rc21', 0],
    ['0.94.14rc21', '0.94.13', '*', 1],
  ] as const)('%s vs %s:%s -> %i', (observed, version, update, order) => {
    const nvd = cpeVersionString({ version, update })!;
    expect(parseVersion(nvd)).toBeDefined();
    expect(compareVersions(observed, nvd)).toBe(order);
  });
});

const rule = (cve: string, product: string): VulnerabilityRule => ({
  cve,
  product,
  affected: [{ versionEndExcluding: '99' }],
  cvss: { version: '3.1', baseScore: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
  severity: 'high',
  summary: cve,
  source: 'nvd-import',
});

const seen = (cpe: string | undefined, product: string, version = '1.0'): Observation => ({
  host: '127.0.0.1',
  port: 80,
  protocol: 'tcp',
  state: 'open',
  product,
  version,
  ...(cpe && { cpe }),
  engine: 'nmap',
  observedAt: '2026-11-30T00:00:00.000Z',
});

describe('aliases from the CPEs nmap 7.93 really printed for the lab', () => {
  // Each first element is the exact <cpe> nmap -sV wrote; each second an NVD spelling.
  it.each([
    ['cpe:/a:igor_sysoev:nginx:1.16.1', 'nginx:nginx'],
    ['cpe:/a:igor_sysoev:nginx:1.16.1', 'f5:nginx'],
    ['cpe:/a:mortbay:jetty:9.4.11.v20180605', 'eclipse:jetty'],
    ['cpe:/a:matt_johnston:dropbear_ssh_server:2016.74', 'dropbear_ssh_project:dropbear_ssh'],
    ['cpe:/a:vsftpd:vsftpd:3.0.3', 'vsftpd_project:vsftpd'],
    ['cpe:/a:redislabs:redis:5.0.7', 'redis:redis'],
    ['cpe:/a:proftpd:proftpd:1.3.6rc2', 'proftpd_project:proftpd'],
    ['cpe:/a:microsoft:internet_information_services:7.5', 'microsoft:iis'],
    ['cpe:/a:mysql:mysql:5.5.20', 'oracle:mysql'],
    ['cpe:/a:sendmail:sendmail:8.14.4%2F8.14.4', 'proofpoint:sendmail'],
  ])('%s matches rules for %s', (nmapCpe, nvdKey) => {
    const name = parseCpeUri(nmapCpe)!;
    expect(equivalentProducts(`${name.vendor}:${name.product}`)).toContain(nvdKey);
    const findings = matchObservation(
      seen(formatCpe23(name), name.product, '1.0'),
      new VulnerabilityRuleIndex([rule('CVE-2020-0001', nvdKey)]),
    );
    expect(findings.map((finding) => finding.product)).toEqual([nvdKey]);
  });

  it('reports a CVE listed under two spellings of one product once', () => {
    const index = new VulnerabilityRuleIndex([
      rule('CVE-2021-23017', 'nginx:nginx'),
      rule('CVE-2021-23017', 'f5:nginx'),
      rule('CVE-2019-20372', 'f5:nginx'),
    ]);
    const findings = matchObservation(
      seen('cpe:2.3:a:igor_sysoev:nginx:1.16.1:*:*:*:*:*:*:*', 'nginx'),
      index,
    );
    expect(findings.map((finding) => finding.cve).sort()).toEqual([
      'CVE-2019-20372',
      'CVE-2021-23017',
    ]);
  });
});

describe('fallback on the product name', () => {
  it('matches a vendor the alias table does not know when the name is unambiguous', () => {
    const index = new VulnerabilityRuleIndex([rule('CVE-2020-0002', 'acme:thttpd')]);
    expect(matchObservation(seen(undefined, 'thttpd', '2.25b'), index)).toHaveLength(1);
    expect(
      matchObservation(seen('cpe:2.3:a:someone:thttpd:2.25b:*:*:*:*:*:*:*', 'thttpd'), index),
    ).toHaveLength(1);
    expect(
      matchObservation(
        seen(undefined, 'Jetty', '9.4.11'),
        new VulnerabilityRuleIndex([rule('CVE-2020-0003', 'eclipse:jetty')]),
      ),
    ).toHaveLength(1);
  });

  it('matches nothing when two vendors share the product name', () => {
    const index = new VulnerabilityRuleIndex([
      rule('CVE-2020-0004', 'a:server'),
      rule('CVE-2020-0005', 'b:server'),
    ]);
    expect(matchObservation(seen(undefined, 'server'), index)).toEqual([]);
  });

  it('never matches an operating-system CPE against application rules', () => {
    const index = new VulnerabilityRuleIndex([rule('CVE-2016-5195', 'linux:linux_kernel')]);
    expect(
      matchObservation(
        seen('cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*', 'Dropbear sshd', '2016.74'),
        index,
      ),
    ).toEqual([]);
  });
});
