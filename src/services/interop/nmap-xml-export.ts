import type { CampaignReport, ReportHost } from '../../shared/campaign.js';
import type { CampaignExportContext } from '../../shared/interop.js';
import type { HostSummary } from '../../shared/observation.js';
import { formatPorts, parsePorts } from '../../shared/port-spec.js';
import { PRODUCT_CPE, type ProductId } from '../../shared/products.js';
import { compareAddresses } from '../../shared/address-intervals.js';
import { formatCpeUri, parseCpe23 } from '../vulnerabilities/cpe.js';
import { escapeXml, xmlAttributes } from './xml-text.js';

/**
 * A campaign as nmap's own XML output (`-oX`, xmloutputversion 1.05), valid
 * against nmap.dtd, so ndiff, Zenmap, Metasploit's db_import and DefectDojo's
 * nmap parser read it. Open ports are listed one by one; closed and filtered
 * ports are `<extraports>` counts, the way nmap itself writes large port sets.
 */

/** nmap's product names for our canonical ids, so tools that read the XML see familiar names. */
const NMAP_PRODUCT_NAMES: Record<ProductId, string> = {
  openssh: 'OpenSSH',
  dropbear: 'Dropbear sshd',
  apache_httpd: 'Apache httpd',
  nginx: 'nginx',
  lighttpd: 'lighttpd',
  microsoft_iis: 'Microsoft IIS httpd',
  apache_tomcat: 'Apache Tomcat',
  vsftpd: 'vsftpd',
  proftpd: 'ProFTPD',
  pure_ftpd: 'Pure-FTPd',
  exim: 'Exim smtpd',
  postfix: 'Postfix smtpd',
  sendmail: 'Sendmail',
  redis: 'Redis key-value store',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  postgresql: 'PostgreSQL DB',
  samba: 'Samba smbd',
  openssl: 'OpenSSL',
  memcached: 'Memcached',
  mongodb: 'MongoDB',
  elasticsearch: 'Elasticsearch REST API',
};

export function nmapProductName(product: string | undefined): string | undefined {
  if (!product) return undefined;
  return NMAP_PRODUCT_NAMES[product as ProductId] ?? product;
}

function cpeFor(port: ReportHost['ports'][number]): string | undefined {
  const observed = port.cpe ? parseCpe23(port.cpe) : undefined;
  if (observed) return formatCpeUri(observed);
  const name = port.product ? PRODUCT_CPE[port.product as ProductId] : undefined;
  if (!name) return undefined;
  return `cpe:/a:${name}${port.version ? `:${port.version.toLowerCase().replace(/\s+/g, '_')}` : ''}`;
}

function epochSeconds(iso: string | undefined, fallback: string): number {
  const milliseconds = Date.parse(iso ?? fallback);
  return Math.floor((Number.isFinite(milliseconds) ? milliseconds : Date.parse(fallback)) / 1000);
}

function addressType(address: string): 'ipv4' | 'ipv6' {
  return address.includes(':') ? 'ipv6' : 'ipv4';
}

interface XmlHost {
  address: string;
  hostname?: string;
  up: boolean;
  ports: ReportHost['ports'];
  closed: number;
  filtered: number;
}

/** Hosts of the report plus the tallies of hosts without open ports, when the summaries are given. */
function hostsOf(report: CampaignReport, summaries: readonly HostSummary[] | undefined): XmlHost[] {
  const byAddress = new Map<string, XmlHost>();
  for (const summary of summaries ?? []) {
    byAddress.set(summary.host, {
      address: summary.host,
      hostname: summary.hostname,
      up: summary.reachable,
      ports: [],
      closed: summary.closed,
      filtered: summary.filtered,
    });
  }
  for (const host of report.hosts) {
    const entry = byAddress.get(host.host);
    byAddress.set(host.host, {
      address: host.host,
      hostname: host.hostname ?? entry?.hostname,
      up: true,
      ports: host.ports,
      closed: entry?.closed ?? 0,
      filtered: entry?.filtered ?? 0,
    });
  }
  return [...byAddress.values()].sort((left, right) =>
    compareAddresses(left.address, right.address),
  );
}

function portXml(port: ReportHost['ports'][number]): string {
  const product = nmapProductName(port.product);
  const probed = product !== undefined;
  const cpe = cpeFor(port);
  const service =
    `<service${xmlAttributes({
      name: port.service ?? 'unknown',
      product,
      version: port.version,
      method: probed ? 'probed' : 'table',
      conf: probed ? 10 : 3,
    })}` + (cpe ? `><cpe>${escapeXml(cpe)}</cpe></service>` : '/>');
  return `<port protocol="tcp" portid="${port.port}"><state state="open" reason="syn-ack" reason_ttl="0"/>${service}</port>`;
}

export function exportNmapXml(report: CampaignReport, context: CampaignExportContext): string {
  const started = epochSeconds(report.startedAt, context.generatedAt);
  const finished = epochSeconds(report.finishedAt, context.generatedAt);
  const hosts = hostsOf(report, context.hostSummaries);
  const parsedPorts = parsePorts(report.request.ports);
  const ports = parsedPorts.ok ? parsedPorts.value : [];
  const portList = parsedPorts.ok ? formatPorts(ports) : report.request.ports;
  const args = `spectra-red ${context.toolVersion} campaign ${report.campaignId} (${report.name}): engine ${report.engine ?? 'unknown'}, ports ${portList}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE nmaprun>',
    `<!-- ${escapeXml(args).replace(/--/g, '- -')} -->`,
    `<nmaprun${xmlAttributes({
      scanner: 'nmap',
      args,
      start: started,
      startstr: new Date(started * 1000).toUTCString(),
      version: context.toolVersion,
      xmloutputversion: '1.05',
    })}>`,
    `<scaninfo type="connect" protocol="tcp"${xmlAttributes({
      numservices: ports.length,
      services: portList,
    })}/>`,
    '<verbose level="0"/>',
    '<debugging level="0"/>',
  ];
  for (const host of hosts) {
    lines.push(
      `<host starttime="${started}" endtime="${finished}"><status state="${host.up ? 'up' : 'down'}" reason="${host.up ? 'conn-refused' : 'no-response'}" reason_ttl="0"/>`,
      `<address addr="${escapeXml(host.address)}" addrtype="${addressType(host.address)}"/>`,
      host.hostname
        ? `<hostnames><hostname name="${escapeXml(host.hostname)}" type="user"/></hostnames>`
        : '<hostnames></hostnames>',
      '<ports>' +
        (host.closed > 0 ? `<extraports state="closed" count="${host.closed}"/>` : '') +
        (host.filtered > 0 ? `<extraports state="filtered" count="${host.filtered}"/>` : ''),
      ...host.ports.map(portXml),
      '</ports>',
      '</host>',
    );
  }
  const up = hosts.filter((host) => host.up).length;
  lines.push(
    `<runstats><finished${xmlAttributes({
      time: finished,
      timestr: new Date(finished * 1000).toUTCString(),
      elapsed: Math.max(0, finished - started),
      summary: `Spectra-Red campaign ${report.campaignId}: ${hosts.length} hosts (${up} up)`,
      exit: report.state === 'failed' ? 'error' : 'success',
    })}/><hosts up="${up}" down="${hosts.length - up}" total="${hosts.length}"/>`,
    '</runstats>',
    '</nmaprun>',
    '',
  );
  return lines.join('\n');
}
