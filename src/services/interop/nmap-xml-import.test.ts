import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostSummary, Observation } from '../../shared/observation.js';
import { NmapImportError, parseNmapXmlForImport } from './nmap-xml-import.js';

/** Written by nmap 7.93 (`nmap -sT -sV -n -Pn -p ... -oX`) against the loopback lab relocated to 127.112.0.0/24. */
const REAL = readFileSync(new URL('./fixtures/nmap-7.93-lab-sV.xml', import.meta.url), 'utf8');
const ERROR_FORMAT = /^line \d+, column \d+: (<[\w-]+>|document): \S/;

function refusal(xml: string): string {
  try {
    parseNmapXmlForImport(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(NmapImportError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('nmap XML import parser', () => {
  it('reads a real nmap -sV file: hosts, counts, open ports with products, time, command line, version', () => {
    const scan = parseNmapXmlForImport(REAL);
    expect(scan).toMatchObject({
      scanner: 'nmap',
      scannerVersion: '7.93',
      commandLine: expect.stringContaining('nmap -sT -sV -n -Pn') as unknown,
      startedAt: expect.stringMatching(/^2026-/) as unknown,
    });
    expect(scan.hosts.map((host) => HostSummary.parse(host))).toEqual([
      { host: '127.112.0.10', reachable: true, open: 2, closed: 6, filtered: 0 },
      { host: '127.112.0.11', reachable: true, open: 1, closed: 7, filtered: 0 },
      { host: '127.112.0.12', reachable: true, open: 1, closed: 7, filtered: 0 },
    ]);
    expect(scan.observations.map((observation) => Observation.parse(observation))).toHaveLength(4);
    expect(
      scan.observations.map(
        ({ host, port, service, product, version }) =>
          `${host}:${port} ${service} ${product} ${version}`,
      ),
    ).toEqual([
      '127.112.0.10:22 ssh openssh 7.2p2',
      '127.112.0.10:80 http apache_httpd 2.4.49',
      '127.112.0.11:21 ftp vsftpd 2.3.4',
      '127.112.0.12:21 ftp proftpd 1.3.5',
    ]);
  });

  it('refuses the file truncated at every element boundary, naming line and element', () => {
    const boundaries = new Set<number>();
    for (let index = 0; index < REAL.length; index++) {
      if (REAL[index] === '<') boundaries.add(index);
      if (REAL[index] === '>') boundaries.add(index + 1);
    }
    boundaries.delete(REAL.trimEnd().length); // the whole document
    boundaries.delete(REAL.length);
    expect(boundaries.size).toBeGreaterThan(200);
    for (const end of boundaries) {
      const message = refusal(REAL.slice(0, end));
      expect(message, `cut at ${end}`).toMatch(ERROR_FORMAT);
    }
  });

  it('refuses hostile attribute values whole, never with anything but a one-line NmapImportError', () => {
    const attributes = [
      'portid',
      'protocol',
      'addr',
      'addrtype',
      'state',
      'conf',
      'method',
      'count',
      'time',
      'scanner',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...attributes),
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom(
            '-1',
            '65536',
            '0',
            '99999999999',
            '1e3',
            '0x16',
            '127.0.0.1\u0000',
            '::1',
            'udp',
            '"',
            '&amp;',
            '&lt;',
            '&#0;',
            'x'.repeat(10_000),
          ),
        ),
        fc.nat(5),
        (attribute, value, occurrence) => {
          const escaped = value
            .replace(/&(?!amp;|lt;|#0;)/g, '&amp;')
            .replace(/</g, '&lt;')
            .replace(/"/g, '&quot;');
          let seen = 0;
          const xml = REAL.replace(new RegExp(` ${attribute}="[^"]*"`, 'g'), (match) =>
            seen++ === occurrence ? ` ${attribute}="${escaped}"` : match,
          );
          try {
            const scan = parseNmapXmlForImport(xml);
            for (const observation of scan.observations) Observation.parse(observation);
            for (const host of scan.hosts) HostSummary.parse(host);
          } catch (error) {
            expect(error).toBeInstanceOf(NmapImportError);
            expect((error as Error).message).toMatch(ERROR_FORMAT);
            expect((error as Error).message).not.toContain('\n');
          }
        },
      ),
      { numRuns: 400, seed: 12 },
    );
    expect(refusal(REAL.replace('portid="22"', 'portid="70000"'))).toMatch(
      /<port>: portid "70000" is not a port number/,
    );
    expect(refusal(REAL.replace('addr="127.112.0.11"', 'addr="127.112.0.300"'))).toMatch(
      /<address>: addr "127.112.0.300" is not an ipv4 address/,
    );
    expect(refusal(REAL.replace('<status state="up"', '<status state="sideways"'))).toMatch(
      /line 9, column \d+: <status>: state "sideways"/,
    );
    expect(refusal(REAL.replace('<hostnames>', '<hostnames><script id="x" output="y"/>'))).toMatch(
      /<script> is not allowed in <hostnames>/,
    );
  });

  it('refuses a billion-laughs file before expanding anything', () => {
    const laughs = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE nmaprun [',
      ' <!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, level) => ` <!ENTITY lol${level + 1} "${`&lol${level || ''};`.repeat(10)}">`,
      ),
      ']>',
      '<nmaprun scanner="nmap" args="&lol9;" version="7.93" xmloutputversion="1.05"><verbose level="0"/><debugging level="0"/><runstats><finished time="1" elapsed="0"/><hosts total="0"/></runstats></nmaprun>',
    ].join('\n');
    const started = performance.now();
    expect(refusal(laughs)).toMatch(/line 13, column \d+: document: DOCTYPE declares entities/);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('refuses external entities (XXE), external DTDs and undeclared entity references', () => {
    expect(
      refusal(
        '<?xml version="1.0"?><!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><nmaprun scanner="nmap" version="1" xmloutputversion="1" args="&xxe;"/>',
      ),
    ).toMatch(/DOCTYPE declares entities/);
    expect(
      refusal(
        '<?xml version="1.0"?><!DOCTYPE nmaprun SYSTEM "http://127.0.0.1:9/nmap.dtd"><nmaprun/>',
      ),
    ).toMatch(/DOCTYPE .* is not nmap's/);
    expect(refusal(REAL.replace('args="nmap', 'args="&xxe;nmap'))).toMatch(/undefined entity/);
  });

  it('refuses what is not an nmap report', () => {
    expect(refusal('')).toMatch(ERROR_FORMAT);
    expect(refusal('{"json": true}')).toMatch(ERROR_FORMAT);
    expect(refusal('<html><body/></html>')).toMatch(/the root element must be <nmaprun>/);
    expect(refusal(REAL.replace('scanner="nmap"', 'scanner="nessus"'))).toMatch(/scanner "nessus"/);
    expect(refusal(REAL.replace(/<runstats>[\s\S]*<\/runstats>/, ''))).toMatch(/no <runstats>/);
    expect(refusal(REAL.replace('exit="success"', 'exit="error" errormsg="interrupted"'))).toMatch(
      /ended with an error: interrupted/,
    );
  });

  it('reads masscan -oX output, merging its one-host-per-port elements', () => {
    const masscan = `<?xml version="1.0"?>
<!-- masscan v1.0 scan -->
<nmaprun scanner="masscan" start="1796073374" version="1.0-BETA"  xmloutputversion="1.03">
<scaninfo type="syn" protocol="tcp" />
<host endtime="1796073375"><address addr="127.112.0.10" addrtype="ipv4"/><ports><port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/></port></ports></host>
<host endtime="1796073375"><address addr="127.112.0.10" addrtype="ipv4"/><ports><port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="64"/><service name="http" banner="Apache/2.4.49"></service></port></ports></host>
<host endtime="1796073376"><address addr="127.112.0.11" addrtype="ipv4"/><ports><port protocol="udp" portid="53"><state state="open" reason="udp-response" reason_ttl="64"/></port></ports></host>
<runstats>
<finished time="1796073380" timestr="2026-11-30 21:16:20" elapsed="6" />
<hosts up="2" down="0" total="2" />
</runstats>
</nmaprun>
`;
    const scan = parseNmapXmlForImport(masscan);
    expect(scan.scanner).toBe('masscan');
    expect(scan.hosts.map((host) => `${host.host} ${host.open}`)).toEqual([
      '127.112.0.10 2',
      '127.112.0.11 0',
    ]);
    expect(
      scan.observations.map((observation) => `${observation.host}:${observation.port}`),
    ).toEqual(['127.112.0.10:22', '127.112.0.10:80']);
    expect(scan.skippedNonTcpPorts).toBe(1);
  });
});
