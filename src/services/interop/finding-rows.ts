import type { CampaignReport } from '../../shared/campaign.js';
import type { FindingRow } from '../../shared/interop.js';
import type { ThreatRecord } from '../../shared/threat.js';
import { compareThreatRank, type EpssScore, type KevEntry } from '../../shared/vulnerability.js';
import { compareAddresses } from '../../shared/address-intervals.js';

/**
 * The finding rows of a campaign report or of the threat list, enriched from
 * the threat records (CVSS vector, triage, first/last seen). EPSS and KEV
 * come from the feeds loaded at match time (the report's, else the record's),
 * CPE from the engine's observation; each is left empty when unknown.
 */

/** `CVSS:3.1/...` gives 3.1, `CVSS:4.0/...` 4.0, a bare v2 vector (`AV:N/AC:L/...`) 2.0. */
export function cvssVersionOf(vector: string | undefined): string | undefined {
  if (!vector) return undefined;
  const prefixed = /^CVSS:(\d\.\d)\//.exec(vector);
  if (prefixed) return prefixed[1];
  return /^AV:[LAN]\//.test(vector) ? '2.0' : undefined;
}

/** What a finding row says of exploitation: the EPSS score alone, and KEV as a yes when listed. */
function exploitationOf(
  ...sources: ({ epss?: EpssScore; kev?: KevEntry } | undefined)[]
): Pick<FindingRow, 'epss' | 'kev'> {
  const epss = sources.find((source) => source?.epss)?.epss;
  const kev = sources.some((source) => source?.kev);
  return { ...(epss && { epss: epss.score }), ...(kev && { kev: true }) };
}

/** A row as the shared threat ranking reads it (EPSS as NVD's `{ score }`). */
function rankOf(row: FindingRow) {
  return { ...row, epss: row.epss === undefined ? undefined : { score: row.epss } };
}

function byRank(left: FindingRow, right: FindingRow): number {
  return (
    compareThreatRank(rankOf(left), rankOf(right)) ||
    compareAddresses(left.host, right.host) ||
    left.port - right.port
  );
}

/** One row per (CVE, host, port) of the report, most severe first. */
export function campaignFindingRows(
  report: CampaignReport,
  records: readonly ThreatRecord[] = [],
): FindingRow[] {
  const recordsByCve = new Map(records.map((record) => [record.cve, record]));
  const hosts = new Map(report.hosts.map((host) => [host.host, host]));
  const rows: FindingRow[] = [];
  for (const threat of report.threats) {
    const record = recordsByCve.get(threat.cve);
    // By host:port, not a search per row: a CVE on 45,000 hosts took 55 s that way.
    const services = new Map(
      (record?.affected ?? []).map((entry) => [`${entry.host}:${entry.port}`, entry]),
    );
    for (const affected of threat.affected) {
      const host = hosts.get(affected.host);
      const port = host?.ports.find((entry) => entry.port === affected.port);
      const service = services.get(`${affected.host}:${affected.port}`);
      const vector = threat.cvssVector || record?.cvssVector || undefined;
      rows.push({
        host: affected.host,
        ...(host?.hostname && { hostname: host.hostname }),
        port: affected.port,
        protocol: 'tcp',
        ...(port?.service && { service: port.service }),
        product: port?.product ?? threat.product,
        version: affected.version || port?.version,
        ...optional('cpe', port?.cpe),
        cve: threat.cve,
        summary: threat.summary,
        ...optional('cvssVersion', cvssVersionOf(vector)),
        ...optional('cvssVector', vector),
        cvssScore: threat.cvssScore,
        severity: threat.severity,
        ...exploitationOf(threat, record),
        ...optional('triageState', record?.triage.state),
        ...optional('firstSeen', service?.firstSeen),
        ...optional('lastSeen', service?.lastSeen),
        campaignId: report.campaignId,
      });
    }
  }
  return rows.sort(byRank);
}

/** One row per (CVE, affected service) of the threat records, most severe first. */
export function threatFindingRows(records: readonly ThreatRecord[]): FindingRow[] {
  const rows: FindingRow[] = [];
  for (const record of records) {
    for (const service of record.affected) {
      rows.push({
        host: service.host,
        port: service.port,
        protocol: 'tcp',
        product: service.product,
        version: service.version,
        cve: record.cve,
        summary: record.summary,
        ...optional('cvssVersion', cvssVersionOf(record.cvssVector)),
        ...optional('cvssVector', record.cvssVector || undefined),
        cvssScore: record.cvssScore,
        severity: record.severity,
        ...exploitationOf(record),
        triageState: record.triage.state,
        firstSeen: service.firstSeen,
        lastSeen: service.lastSeen,
      });
    }
  }
  return rows.sort(byRank);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
