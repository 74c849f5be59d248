import type { CampaignReport, ReportHost } from '../../shared/campaign.js';
import {
  DIFF_SCHEMA_VERSION,
  type CampaignDiff,
  type CveChange,
  type PortChange,
} from '../../shared/interop.js';
import type { HostSummary } from '../../shared/observation.js';
import { compareAddresses } from '../../shared/address-intervals.js';
import { escapeXml, xmlAttributes } from './xml-text.js';

/**
 * What changed between two campaigns, the way ndiff compares two nmap runs:
 * A is before, B after. Hosts are up when any port answered (from the batch
 * tallies when given, else when they have open ports).
 */
export interface DiffSide {
  report: CampaignReport;
  hostSummaries?: readonly HostSummary[];
}

type Port = ReportHost['ports'][number];

function hostsUp(side: DiffSide): Set<string> {
  const up = new Set(side.report.hosts.map((host) => host.host));
  for (const summary of side.hostSummaries ?? []) if (summary.reachable) up.add(summary.host);
  return up;
}

function portsOf(report: CampaignReport): Map<string, Port> {
  const ports = new Map<string, Port>();
  for (const host of report.hosts)
    for (const port of host.ports) ports.set(`${host.host}:${port.port}`, port);
  return ports;
}

export function describeService(port: Port): string {
  return [port.service ?? 'unknown', port.product, port.version].filter(Boolean).join(' ');
}

function splitKey(key: string): { host: string; port: number } {
  const separator = key.lastIndexOf(':');
  return { host: key.slice(0, separator), port: Number(key.slice(separator + 1)) };
}

function byLocation(left: { host: string; port: number }, right: { host: string; port: number }) {
  return compareAddresses(left.host, right.host) || left.port - right.port;
}

export function diffCampaigns(before: DiffSide, after: DiffSide): CampaignDiff {
  const upBefore = hostsUp(before);
  const upAfter = hostsUp(after);
  const portsBefore = portsOf(before.report);
  const portsAfter = portsOf(after.report);

  const ports: PortChange[] = [];
  for (const [key, port] of portsAfter) {
    const previous = portsBefore.get(key);
    if (!previous) ports.push({ ...splitKey(key), change: 'opened', after: describeService(port) });
    else if (describeService(previous) !== describeService(port))
      ports.push({
        ...splitKey(key),
        change: 'service-changed',
        before: describeService(previous),
        after: describeService(port),
      });
  }
  for (const [key, port] of portsBefore)
    if (!portsAfter.has(key))
      ports.push({ ...splitKey(key), change: 'closed', before: describeService(port) });

  const severities = new Map<string, CveChange['severity']>();
  for (const threat of [...before.report.threats, ...after.report.threats])
    severities.set(threat.cve, threat.severity);
  const cvesOf = (report: CampaignReport) => {
    const set = new Set<string>();
    for (const threat of report.threats)
      for (const affected of threat.affected)
        set.add(`${affected.host}:${affected.port} ${threat.cve}`);
    return set;
  };
  const cvesBefore = cvesOf(before.report);
  const cvesAfter = cvesOf(after.report);
  const cveChange = (entry: string, change: CveChange['change']): CveChange => {
    const [location, cve] = entry.split(' ') as [string, string];
    return { ...splitKey(location), cve, change, severity: severities.get(cve) };
  };
  const cves = [
    ...[...cvesAfter]
      .filter((entry) => !cvesBefore.has(entry))
      .map((entry) => cveChange(entry, 'new')),
    ...[...cvesBefore]
      .filter((entry) => !cvesAfter.has(entry))
      .map((entry) => cveChange(entry, 'gone')),
  ].sort((left, right) => byLocation(left, right) || left.cve.localeCompare(right.cve));

  const newlyUp = [...upAfter].filter((host) => !upBefore.has(host)).sort(compareAddresses);
  const nowDown = [...upBefore].filter((host) => !upAfter.has(host)).sort(compareAddresses);
  const side = (report: CampaignReport) => ({
    campaignId: report.campaignId,
    name: report.name,
    ...(report.finishedAt && { finishedAt: report.finishedAt }),
  });
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    before: side(before.report),
    after: side(after.report),
    hostsUp: newlyUp,
    hostsDown: nowDown,
    ports: ports.sort(byLocation),
    cves,
    same: newlyUp.length + nowDown.length + ports.length + cves.length === 0,
  };
}

/** ndiff-style text: `-` for what A had, `+` for what B has. */
export function formatDiffText(diff: CampaignDiff): string {
  const lines = [
    `-${diff.before.name} (${diff.before.campaignId})${diff.before.finishedAt ? ` finished ${diff.before.finishedAt}` : ''}`,
    `+${diff.after.name} (${diff.after.campaignId})${diff.after.finishedAt ? ` finished ${diff.after.finishedAt}` : ''}`,
    '',
  ];
  for (const host of diff.hostsUp) lines.push(`+${host}: host is up`);
  for (const host of diff.hostsDown) lines.push(`-${host}: host is up`);
  for (const change of diff.ports) {
    if (change.before) lines.push(`-${change.host}:${change.port}/tcp open ${change.before}`);
    if (change.after) lines.push(`+${change.host}:${change.port}/tcp open ${change.after}`);
  }
  for (const change of diff.cves)
    lines.push(
      `${change.change === 'new' ? '+' : '-'}${change.host}:${change.port} ${change.cve}${change.severity ? ` (${change.severity})` : ''}`,
    );
  if (diff.same) lines.push('No differences.');
  return lines.join('\n') + '\n';
}

export function formatDiffXml(diff: CampaignDiff): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<campaigndiff schemaversion="${diff.schemaVersion}" same="${diff.same}">`,
    `<a${xmlAttributes(diff.before)}/>`,
    `<b${xmlAttributes(diff.after)}/>`,
    ...diff.hostsUp.map((host) => `<hostdiff addr="${escapeXml(host)}" change="up"/>`),
    ...diff.hostsDown.map((host) => `<hostdiff addr="${escapeXml(host)}" change="down"/>`),
    ...diff.ports.map(
      (change) =>
        `<portdiff${xmlAttributes({ addr: change.host, portid: change.port, protocol: 'tcp', change: change.change, a: change.before, b: change.after })}/>`,
    ),
    ...diff.cves.map(
      (change) =>
        `<cvediff${xmlAttributes({ addr: change.host, portid: change.port, cve: change.cve, change: change.change, severity: change.severity })}/>`,
    ),
    '</campaigndiff>',
  ];
  return lines.join('\n') + '\n';
}
