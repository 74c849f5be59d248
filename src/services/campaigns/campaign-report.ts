import { compareAddresses } from '../../shared/address-intervals.js';
import { totalsOfResults } from '../../shared/campaign-totals.js';
import type { CampaignTuning } from '../../shared/campaign-tuning.js';
import {
  findingsOfBatch,
  type AuditEntry,
  type BatchResult,
  type CampaignSource,
  type CampaignReport,
  type CampaignState,
  type ParsedCampaignRequest,
  type ReportHost,
  type ReportThreat,
} from '../../shared/campaign.js';
import type { ScanEngineName } from '../../shared/observation.js';
import { compareThreatRank } from '../../shared/vulnerability.js';

export interface CampaignMetadata {
  campaignId: string;
  name: string;
  request: ParsedCampaignRequest;
  engine?: ScanEngineName;
  targets: number;
  tuning?: CampaignTuning;
  startedAt?: string;
  finishedAt?: string;
  state: CampaignState;
  /** Set by imports; absent on scans. */
  source?: CampaignSource;
}

/**
 * The report: hosts with open ports (and their CVEs) and one entry per CVE with
 * every affected service, built from the batch results on demand so nothing is
 * stored twice.
 */
export function assembleReport(
  metadata: CampaignMetadata,
  batches: readonly BatchResult[],
  audit: readonly AuditEntry[],
): CampaignReport {
  const sorted = [...batches].sort((left, right) => left.index - right.index);
  const hosts = new Map<string, ReportHost>();
  const cvesByService = new Map<string, string[]>();
  const threats = new Map<string, ReportThreat>();

  for (const batch of sorted) {
    for (const finding of findingsOfBatch(batch)) {
      const service = `${finding.host}:${finding.port}`;
      const cves = cvesByService.get(service);
      if (cves) cves.push(finding.cve);
      else cvesByService.set(service, [finding.cve]);
      const threat = threats.get(finding.cve) ?? {
        cve: finding.cve,
        severity: finding.severity,
        cvssScore: finding.cvssScore,
        ...(finding.cvssVector && { cvssVector: finding.cvssVector }),
        ...(finding.kev && { kev: finding.kev }),
        ...(finding.epss && { epss: finding.epss }),
        summary: finding.summary,
        product: finding.product,
        affected: [],
      };
      threat.affected.push({ host: finding.host, port: finding.port, version: finding.version });
      threats.set(finding.cve, threat);
    }
  }
  for (const batch of sorted) {
    for (const observation of batch.observations) {
      const entry = hosts.get(observation.host) ?? {
        host: observation.host,
        hostname: observation.hostname,
        ports: [],
      };
      entry.ports.push({
        port: observation.port,
        service: observation.service,
        product: observation.product,
        version: observation.version,
        banner: observation.banner,
        ...(observation.cpe && { cpe: observation.cpe }),
        cves: cvesByService.get(`${observation.host}:${observation.port}`) ?? [],
      });
      hosts.set(observation.host, entry);
    }
  }
  for (const entry of hosts.values()) entry.ports.sort((left, right) => left.port - right.port);

  return {
    campaignId: metadata.campaignId,
    name: metadata.name,
    ...(metadata.source && { source: metadata.source }),
    request: metadata.request,
    state: metadata.state,
    engine: metadata.engine,
    startedAt: metadata.startedAt,
    finishedAt: metadata.finishedAt,
    tuning: metadata.tuning,
    totals: totalsOfResults(metadata.targets, sorted),
    hosts: [...hosts.values()].sort((left, right) => compareAddresses(left.host, right.host)),
    threats: [...threats.values()].sort(compareThreatRank),
    skipped: sorted.flatMap((batch) => batch.skipped),
    failedBatches: sorted
      .filter((batch) => batch.state === 'failed')
      .map((batch) => ({ index: batch.index, error: batch.error ?? 'failed' })),
    audit: [...audit],
    complete: metadata.state === 'completed' && sorted.every((batch) => batch.state === 'done'),
  };
}
