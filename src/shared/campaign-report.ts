import { compareAddresses } from './address-intervals.js';
import { totalsOfResults } from './campaign-totals.js';
import type { CampaignTuning } from './campaign-tuning.js';
import {
  packedFindingsOfBatch,
  type AuditEntry,
  type BatchResult,
  type CampaignSource,
  type CampaignReport,
  type CampaignState,
  type ParsedCampaignRequest,
  type ReportHost,
  type ReportThreat,
} from './campaign.js';
import type { ScanEngineName } from './observation.js';
import { compareThreatRank } from './vulnerability.js';

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
 * What a report is assembled from besides the batch results: small whatever
 * the campaign's size (CampaignResults' `outline`).
 */
export interface CampaignOutline {
  metadata: CampaignMetadata;
  audit: AuditEntry[];
  /** The stored batches' indexes, ascending: read them one by one (CampaignResults' `batch`). */
  batchIndexes: number[];
}

/**
 * The report: hosts with open ports (and their CVEs) and one entry per CVE with
 * every affected service, built from the batch results on demand so nothing is
 * stored twice. Built by the reader (readCampaignResults in
 * src/clients/service-clients.ts), not by a handler: a large campaign's report
 * and state pass Restate's message and per-invocation memory limits (~32 MiB).
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

  // Over the packed form: a service's key once, a CVE's facts shared, no finding built.
  for (const batch of sorted) {
    const packed = packedFindingsOfBatch(batch);
    for (const service of packed.services) {
      const key = `${service.host}:${service.port}`;
      const cves = cvesByService.get(key) ?? [];
      cvesByService.set(key, cves);
      for (const index of service.cves) {
        const facts = packed.cves[index]!;
        cves.push(facts.cve);
        let threat = threats.get(facts.cve);
        if (!threat) {
          threat = {
            cve: facts.cve,
            severity: facts.severity,
            cvssScore: facts.cvssScore,
            ...(facts.cvssVector && { cvssVector: facts.cvssVector }),
            ...(facts.kev && { kev: facts.kev }),
            ...(facts.epss && { epss: facts.epss }),
            summary: facts.summary,
            product: service.product,
            affected: [],
          };
          threats.set(facts.cve, threat);
        }
        threat.affected.push({ host: service.host, port: service.port, version: service.version });
      }
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
