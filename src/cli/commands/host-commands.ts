import { spectraClients } from '../../clients/service-clients.js';
import { hostCves, type HostRecord } from '../../shared/host-inventory.js';
import { cvesOnHostsMatching, searchHosts } from '../../shared/host-search.js';
import { CliError } from '../cli-error.js';
import { requiredPositional, stringOption, type Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { withHost } from '../host-connection.js';
import { forTerminal, jsonForTerminal } from '../terminal-text.js';
import type { HostConnection } from '../host-connection.js';

function inventory(connection: HostConnection) {
  return spectraClients(connection.ingress).hostInventory();
}

/** One line per host: address, names, open ports with their products, CVE counts. */
export function formatHostLine(host: HostRecord): string {
  const cves = hostCves(host);
  const counts = (['critical', 'high', 'medium', 'low'] as const)
    .map((severity) => cves.filter((cve) => cve.severity === severity).length)
    .join('/');
  const ports = host.ports
    .map((port) => {
      const what = [port.product ?? port.service, port.version].filter(Boolean).join(' ');
      return what ? `${port.port} ${what}` : String(port.port);
    })
    .join(', ');
  const names = host.hostnames.length ? ` (${host.hostnames.join(', ')})` : '';
  return forTerminal(
    `${host.address.padEnd(15)}${names}  ${ports || 'no open port'}  CVEs C/H/M/L ${counts}  last seen ${host.lastSeen}`,
  );
}

export function formatHost(host: HostRecord): string {
  const lines = [
    `${host.address}${host.hostnames.length ? ` (${host.hostnames.join(', ')})` : ''}`,
    `  first seen ${host.firstSeen}; last seen ${host.lastSeen}`,
    '  open ports:',
    ...host.ports.map((port) => {
      const what = [port.service, port.product, port.version].filter(Boolean).join(' ');
      const cves = port.cves.length ? ` -> ${port.cves.map((cve) => cve.cve).join(', ')}` : '';
      const banner = port.banner ? `\n      banner: ${port.banner}` : '';
      return `    ${port.port}/tcp ${what || '?'}${cves}${banner}`;
    }),
    '  CVEs:',
    ...hostCves(host).map(
      (cve) => `    ${cve.cve.padEnd(16)} ${cve.severity.padEnd(8)} ${cve.cvssScore.toFixed(1)}`,
    ),
    '  campaigns:',
    ...host.campaigns.map((campaign) => `    ${campaign.campaignId}  ${campaign.lastSeen}`),
  ];
  return forTerminal(lines.join('\n'));
}

export const hostsCommand: Command = {
  name: 'hosts',
  usage: `spectra hosts [--search QUERY] [--json]

QUERY terms (all must match): an address (127.10.0.5), a network
(127.10.0.0/24), a port (22 or port:22), or text matched against hostnames,
services, products, versions, banners and CVE ids (exim, "openssh 7.2").`,
  options: { search: { type: 'string' }, json: { type: 'boolean' } },
  async run(parsed) {
    const hosts = await withHost(resolveDataDir(parsed), (connection) =>
      spectraClients(connection.ingress).hosts(),
    );
    const shown = searchHosts(hosts, stringOption(parsed, 'search') ?? '');
    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal(shown) + '\n');
      return;
    }
    if (shown.length === 0)
      process.stdout.write(
        hosts.length === 0 ? 'No host seen yet (run a campaign).\n' : 'No host matches.\n',
      );
    for (const host of shown) process.stdout.write(formatHostLine(host) + '\n');
  },
};

export const hostCommand: Command = {
  name: 'host',
  usage: 'spectra host ADDRESS [--json]',
  options: { json: { type: 'boolean' } },
  positionals: ['ADDRESS'],
  async run(parsed) {
    const address = requiredPositional(parsed.positionals, 'host', 'ADDRESS');
    if (address.length > 64 || !/^[0-9a-fA-F.:]+$/.test(address))
      throw new CliError(`host: "${forTerminal(address.slice(0, 64))}" is not an IP address`, 2);
    const host = await withHost(resolveDataDir(parsed), (connection) =>
      inventory(connection).get(address),
    );
    if (!host) throw new CliError(`host: no campaign has seen ${address}`);
    process.stdout.write(
      parsed.values.json ? jsonForTerminal(host) + '\n' : formatHost(host) + '\n',
    );
  },
};

/** The CVEs on the hosts a search names (for `spectra threats --search ADDRESS`). */
export async function cvesOnHosts(
  connection: HostConnection,
  search: string,
): Promise<Set<string>> {
  return cvesOnHostsMatching(await spectraClients(connection.ingress).hosts(), search) ?? new Set();
}
