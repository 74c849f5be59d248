import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineResult } from '../../shared/observation.js';
import {
  identifyNmapService,
  NmapXmlError,
  NmapXmlStream,
  parseNmapXml,
  type NmapHostReport,
} from './nmap-xml.js';

/** Shaped after real `nmap -sT -sV -T4 -n -Pn -oX -` output of nmap 7.93 on the loopback lab. */
const REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>
<!-- Nmap 7.93 scan initiated Sun Nov 29 13:48:30 2026 as: nmap -sT -sV -T4 -n -Pn -p 1-100,443,3306 -oX - -iL - -->
<nmaprun scanner="nmap" args="nmap -sT -sV -T4 -n -Pn -p 1-100,443,3306 -oX - -iL -" start="1795960110" startstr="Sun Nov 29 13:48:30 2026" version="7.93" xmloutputversion="1.05">
<scaninfo type="connect" protocol="tcp" numservices="102" services="1-100,443,3306"/>
<verbose level="0"/>
<debugging level="0"/>
<host starttime="1795960110" endtime="1795960116"><status state="up" reason="user-set" reason_ttl="0"/>
<address addr="127.10.0.10" addrtype="ipv4"/>
<hostnames>
</hostnames>
<ports><extraports state="closed" count="98">
<extrareasons reason="conn-refused" count="98" proto="tcp" ports="1-21,23-79,81-100,3306"/>
</extraports>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ssh" product="OpenSSH" version="7.2p2 Ubuntu 4ubuntu2.8" extrainfo="Ubuntu Linux; protocol 2.0" ostype="Linux" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:7.2p2</cpe><cpe>cpe:/o:linux:linux_kernel</cpe></service></port>
<port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="http" product="Apache httpd" version="2.4.49" extrainfo="(Unix)" method="probed" conf="10"><cpe>cpe:/a:apache:http_server:2.4.49</cpe></service></port>
<port protocol="tcp" portid="443"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="http" product="nginx" version="1.16.1" tunnel="ssl" method="probed" conf="10"><cpe>cpe:/a:igor_sysoev:nginx:1.16.1</cpe></service></port>
</ports>
<times srtt="400" rttvar="1802" to="100000"/>
</host>
<host starttime="1795960110" endtime="1795960117"><status state="up" reason="user-set" reason_ttl="0"/>
<address addr="127.10.0.15" addrtype="ipv4"/>
<hostnames>
</hostnames>
<ports><extraports state="filtered" count="60">
<extrareasons reason="no-response" count="60" proto="tcp" ports="1-60"/>
</extraports>
<extraports state="closed" count="40">
<extrareasons reason="conn-refused" count="40" proto="tcp" ports="61-100"/>
</extraports>
<port protocol="tcp" portid="443"><state state="closed" reason="conn-refused" reason_ttl="0"/><service name="https" method="table" conf="3"/></port>
<port protocol="tcp" portid="3306"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="mysql" product="MySQL" version="5.5.5-10.3.27-MariaDB-0+deb10u1" method="probed" conf="10"><cpe>cpe:/a:mysql:mysql:5.5.5-10.3.27-mariadb-0+deb10u1</cpe></service></port>
</ports>
<times srtt="324" rttvar="1761" to="100000"/>
</host>
<host starttime="1795960110" endtime="1795960112"><status state="up" reason="user-set" reason_ttl="0"/>
<address addr="127.10.0.99" addrtype="ipv4"/>
<hostnames>
</hostnames>
<ports><extraports state="filtered" count="102">
<extrareasons reason="no-response" count="102" proto="tcp" ports="1-100,443,3306"/>
</extraports>
</ports>
<times srtt="154" rttvar="1655" to="100000"/>
</host>
<runstats><finished time="1795960117" timestr="Sun Nov 29 13:48:37 2026" summary="Nmap done" elapsed="7.0" exit="success"/><hosts up="3" down="0" total="3"/>
</runstats>
</nmaprun>
`;

describe('parseNmapXml', () => {
  const report = parseNmapXml(REPORT);

  it('reads times from the run', () => {
    expect(report.startedAt).toBe(new Date(1795960110 * 1000).toISOString());
    expect(report.finishedAt).toBe(new Date(1795960117 * 1000).toISOString());
    expect(report.errorMessage).toBeUndefined();
  });

  it('counts extraports and listed ports per host', () => {
    expect(report.hosts.map((host) => host.summary)).toEqual([
      { host: '127.10.0.10', reachable: true, open: 3, closed: 98, filtered: 0 },
      { host: '127.10.0.15', reachable: true, open: 1, closed: 41, filtered: 60 },
      { host: '127.10.0.99', reachable: false, open: 0, closed: 0, filtered: 102 },
    ]);
  });

  it('turns open ports into observations with canonical products and upstream versions', () => {
    const observations = report.hosts.flatMap((host) => host.observations);
    expect(
      observations.map(({ host, port, service, product, version }) => ({
        host,
        port,
        service,
        product,
        version,
      })),
    ).toEqual([
      { host: '127.10.0.10', port: 22, service: 'ssh', product: 'openssh', version: '7.2p2' },
      {
        host: '127.10.0.10',
        port: 80,
        service: 'http',
        product: 'apache_httpd',
        version: '2.4.49',
      },
      { host: '127.10.0.10', port: 443, service: 'ssl/http', product: 'nginx', version: '1.16.1' },
      { host: '127.10.0.15', port: 3306, service: 'mysql', product: 'mariadb', version: '10.3.27' },
    ]);
    expect(observations[0]).toMatchObject({
      protocol: 'tcp',
      state: 'open',
      engine: 'nmap',
      banner: 'OpenSSH 7.2p2 Ubuntu 4ubuntu2.8 (Ubuntu Linux; protocol 2.0)',
      observedAt: new Date(1795960116 * 1000).toISOString(),
    });
    const result = {
      engine: 'nmap',
      observations,
      hosts: report.hosts.map((host) => host.summary),
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
    };
    expect(() => EngineResult.parse(result)).not.toThrow();
  });

  it('reports nmap giving up part-way', () => {
    const failed = parseNmapXml(
      '<?xml version="1.0"?><nmaprun start="1795960110"><runstats><finished time="1795960111" exit="error" errormsg="Failed to open device lo"/></runstats></nmaprun>',
    );
    expect(failed.hosts).toEqual([]);
    expect(failed.errorMessage).toBe('Failed to open device lo');
  });

  it('refuses what is not an nmap report', () => {
    expect(() => parseNmapXml('<html><body>hello</body></html>')).toThrow(/nmaprun/);
    expect(() => parseNmapXml('')).toThrow();
  });
});

/** Reads `bytes` through an NmapXmlStream in pieces cut at `cuts` (byte offsets). */
function readInPieces(bytes: Buffer, cuts: number[]) {
  const hosts: NmapHostReport[] = [];
  const stream = new NmapXmlStream({ onHost: (host) => hosts.push(host) }, 'fallback');
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((left, right) => left - right)) {
    stream.write(bytes.subarray(from, cut));
    from = cut;
  }
  stream.write(bytes.subarray(from));
  return { hosts, ...stream.end() };
}

/** One host whose service strings carry what nmap escapes: control bytes, non-ASCII bytes, markup. */
const ESCAPED_SERVICE = REPORT.replace(
  'product="Apache httpd" version="2.4.49" extrainfo="(Unix)"',
  'product="Apache&#x1; httpd &lt;b&gt; &amp; &quot;x&quot; caf&#xc3;&#xa9; 2\u00e9\u{1f600}" version="2.4.49" extrainfo="a-&#45;b\u007f"',
);

describe('NmapXmlStream', () => {
  it('reads the same report whatever the chunk boundaries, even inside a UTF-8 character', () => {
    const bytes = Buffer.from(ESCAPED_SERVICE, 'utf8');
    const whole = parseNmapXml(ESCAPED_SERVICE, 'fallback');
    expect(whole.hosts).toHaveLength(3);
    // Every single-byte split, then random multi-way splits.
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(readInPieces(bytes, [cut])).toEqual(whole);
    }
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 60 }),
        (cuts) => {
          expect(readInPieces(bytes, cuts)).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes entities and character references, showing control bytes as \\xNN', () => {
    const [host] = parseNmapXml(ESCAPED_SERVICE).hosts;
    const http = host!.observations.find((observation) => observation.port === 80);
    // `&#xc3;&#xa9;` are the bytes of UTF-8 "é" as nmap escapes them one by one: read as XML says.
    expect(http?.banner).toBe(
      'Apache\\x01 httpd <b> & "x" caf\u00c3\u00a9 2\u00e9\u{1f600} 2.4.49 (a--b\\x7f)',
    );
    expect(http?.product).toBe('Apache\\x01 httpd <b> & "x" caf\u00c3\u00a9 2\u00e9\u{1f600}');
  });

  it('reports each host at its </host>, before the document ends', () => {
    const reported: string[] = [];
    const stream = new NmapXmlStream({ onHost: (host) => reported.push(host.address) });
    const firstHostEnd = REPORT.indexOf('</host>') + '</host>'.length;
    stream.write(REPORT.slice(0, firstHostEnd - 1));
    expect(reported).toEqual([]);
    stream.write(REPORT.slice(firstHostEnd - 1, firstHostEnd));
    expect(reported).toEqual(['127.10.0.10']);
    stream.write(REPORT.slice(firstHostEnd));
    expect(reported).toEqual(['127.10.0.10', '127.10.0.15', '127.10.0.99']);
    expect(stream.end().finishedAt).toBe(new Date(1795960117 * 1000).toISOString());
  });

  it('passes on the progress nmap prints with --stats-every', () => {
    const progress: Array<[string, number]> = [];
    const stream = new NmapXmlStream({
      onTaskProgress: (task, percent) => progress.push([task, percent]),
    });
    stream.write(
      '<nmaprun><taskbegin task="Connect Scan"/><taskprogress task="Connect Scan" time="1" percent="19.25" remaining="5"/>',
    );
    stream.write('<taskprogress task="Service scan" percent="x"/></nmaprun>');
    stream.end();
    expect(progress).toEqual([['Connect Scan', 19.25]]);
  });

  it('holds a host without endtime back until the run has finished, and dates it then', () => {
    const reported: NmapHostReport[] = [];
    const stream = new NmapXmlStream({ onHost: (host) => reported.push(host) }, 'fallback');
    stream.write(
      '<nmaprun><host><address addr="127.0.0.1" addrtype="ipv4"/><ports><port protocol="tcp" portid="22"><state state="open"/></port></ports></host>',
    );
    expect(reported).toEqual([]);
    stream.write('<runstats><finished time="1795960117"/></runstats></nmaprun>');
    stream.end();
    expect(reported[0]?.observations[0]?.observedAt).toBe(
      new Date(1795960117 * 1000).toISOString(),
    );
  });

  it.each([
    ['an undefined entity', '<nmaprun>&xxe;</nmaprun>', /line 1, column 14\): undefined entity/],
    [
      'entities declared in a DTD (never expanded)',
      '<!DOCTYPE nmaprun [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><nmaprun>&b;</nmaprun>',
      /undefined entity/,
    ],
    [
      'an external entity',
      '<!DOCTYPE nmaprun [<!ENTITY x SYSTEM "file:///etc/passwd">]><nmaprun>&x;</nmaprun>',
      /undefined entity/,
    ],
    ['a cut-off document', '<nmaprun start="1"><host starttime="1">', /unclosed tag: host/],
    ['a mismatched end tag', '<nmaprun><host></port></nmaprun>', /unexpected close tag/],
    ['a second root', '<nmaprun></nmaprun><nmaprun>', /only one root/],
    ['text after the root', '<nmaprun></nmaprun>junk', /outside of root/],
    ['an unquoted attribute', '<nmaprun start=1></nmaprun>', /unquoted attribute value/],
    ['a raw control byte', '<nmaprun>\u0001</nmaprun>', /disallowed character/],
    ['another document', '<html><body>hello</body></html>', /not an nmap XML report.*<html>/],
    ['nothing at all', '', /root element/],
  ])('refuses %s with a one-line NmapXmlError', (_, xml, message) => {
    const stream = new NmapXmlStream();
    let error: unknown;
    try {
      stream.write(xml);
      stream.end();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NmapXmlError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    // Once wrong, it stays wrong: nothing half-read is reported as a result.
    expect(() => stream.write('</nmaprun>')).toThrow(NmapXmlError);
    expect(() => stream.end()).toThrow(NmapXmlError);
  });
});

describe('identifyNmapService', () => {
  // Services exactly as nmap 7.93 -sV described the loopback lab's fake services.
  it.each([
    [
      {
        product: 'OpenSSH',
        version: '7.2p2 Ubuntu 4ubuntu2.8',
        cpe: ['cpe:/a:openbsd:openssh:7.2p2', 'cpe:/o:linux:linux_kernel'],
      },
      {
        product: 'openssh',
        version: '7.2p2',
        cpe: 'cpe:2.3:a:openbsd:openssh:7.2p2:*:*:*:*:*:*:*',
      },
    ],
    [
      { product: 'Exim smtpd', version: '4.92.2', cpe: ['cpe:/a:exim:exim:4.92.2'] },
      { product: 'exim', version: '4.92.2', cpe: 'cpe:2.3:a:exim:exim:4.92.2:*:*:*:*:*:*:*' },
    ],
    [
      { product: 'Postfix smtpd' },
      { product: 'postfix', cpe: 'cpe:2.3:a:postfix:postfix:*:*:*:*:*:*:*:*' },
    ],
    [
      {
        product: 'Microsoft IIS httpd',
        version: '7.5',
        cpe: ['cpe:/a:microsoft:internet_information_services:7.5', 'cpe:/o:microsoft:windows'],
      },
      {
        product: 'microsoft_iis',
        version: '7.5',
        cpe: 'cpe:2.3:a:microsoft:internet_information_services:7.5:*:*:*:*:*:*:*',
      },
    ],
    [
      { product: 'Redis key-value store', version: '5.0.7', cpe: ['cpe:/a:redislabs:redis:5.0.7'] },
      { product: 'redis', version: '5.0.7', cpe: 'cpe:2.3:a:redislabs:redis:5.0.7:*:*:*:*:*:*:*' },
    ],
    [
      // nmap's CPE keeps MariaDB's compatibility prefix and distribution suffix, percent-encoded.
      {
        product: 'MySQL',
        version: '5.5.5-10.3.27-MariaDB-0+deb10u1',
        cpe: ['cpe:/a:mariadb:mariadb:5.5.5-10.3.27-mariadb-0%2Bdeb10u1'],
      },
      {
        product: 'mariadb',
        version: '10.3.27',
        cpe: 'cpe:2.3:a:mariadb:mariadb:5.5.5-10.3.27-mariadb-0\\+deb10u1:*:*:*:*:*:*:*',
      },
    ],
    [
      {
        product: 'Sendmail',
        version: '8.14.4/8.14.4',
        cpe: ['cpe:/a:sendmail:sendmail:8.14.4%2F8.14.4'],
      },
      {
        product: 'sendmail',
        version: '8.14.4',
        cpe: 'cpe:2.3:a:sendmail:sendmail:8.14.4\\/8.14.4:*:*:*:*:*:*:*',
      },
    ],
    [
      { product: 'ProFTPD', version: '1.3.6rc2', cpe: ['cpe:/a:proftpd:proftpd:1.3.6rc2'] },
      {
        product: 'proftpd',
        version: '1.3.6rc2',
        cpe: 'cpe:2.3:a:proftpd:proftpd:1.3.6rc2:*:*:*:*:*:*:*',
      },
    ],
    // Products outside src/shared/products.ts keep nmap's name and CPE.
    [
      {
        product: 'libssh',
        version: '0.8.1',
        extrainfo: 'protocol 2.0',
        cpe: ['cpe:/a:libssh:libssh:0.8.1'],
      },
      { product: 'libssh', version: '0.8.1', cpe: 'cpe:2.3:a:libssh:libssh:0.8.1:*:*:*:*:*:*:*' },
    ],
    [
      {
        product: 'Jetty',
        version: '9.4.11.v20180605',
        cpe: ['cpe:/a:mortbay:jetty:9.4.11.v20180605'],
      },
      {
        product: 'Jetty',
        version: '9.4.11.v20180605',
        cpe: 'cpe:2.3:a:mortbay:jetty:9.4.11.v20180605:*:*:*:*:*:*:*',
      },
    ],
    [
      { product: 'Boa', version: '0.94.13', cpe: ['cpe:/a:boa:boa:0.94.13'] },
      { product: 'Boa', version: '0.94.13', cpe: 'cpe:2.3:a:boa:boa:0.94.13:*:*:*:*:*:*:*' },
    ],
    // nmap's fallback for an unmatched Server: header puts it whole in `product`, with no CPE.
    [{ product: 'thttpd/2.25b 29dec2003' }, { product: 'thttpd', version: '2.25b' }],
    [
      { product: 'Some appliance', version: '1.0' },
      { product: 'Some appliance', version: '1.0' },
    ],
    [undefined, {}],
  ])('%j -> %j', (service, expected) => {
    expect(identifyNmapService(service)).toEqual(expected);
  });
});
