import type * as clients from '@restatedev/restate-sdk-clients';
import type { CampaignReport } from '../../shared/campaign.js';
import type { HostSummary } from '../../shared/observation.js';
import type { ThreatFilter, ThreatRecord } from '../../shared/threat.js';
import { readInChunks, spectraClients } from '../../clients/service-clients.js';

/**
 * What the exports are written from, read through the ingress from the same
 * objects the report comes from: the report, the threat records of its CVEs
 * and the per-host tallies of its stored batches. Shared by the CLI and the
 * host API, so both export the same bytes.
 */
export interface CampaignExportSources {
  report: CampaignReport;
  records: ThreatRecord[];
  hostSummaries: HostSummary[];
}

/** Threat records fetched at a time. */
const PARALLEL_READS = 16;

export async function readThreatRecords(
  ingress: clients.Ingress,
  cves: readonly string[],
): Promise<ThreatRecord[]> {
  const records = await readInChunks(cves, PARALLEL_READS, (cve) =>
    spectraClients(ingress).threatIntel(cve).get(),
  );
  return records.filter((record): record is ThreatRecord => record !== null);
}

/** Every threat record the index lists (through `filter`), most severe first. */
export async function readAllThreatRecords(
  ingress: clients.Ingress,
  filter: ThreatFilter = {},
): Promise<ThreatRecord[]> {
  const summaries = await spectraClients(ingress).threatIndex().list(filter);
  return readThreatRecords(
    ingress,
    summaries.map((summary) => summary.cve),
  );
}

/** The report, or undefined when no campaign has that id. */
export async function readCampaignExportSources(
  ingress: clients.Ingress,
  campaignId: string,
): Promise<CampaignExportSources | undefined> {
  const read = await spectraClients(ingress).campaignReportAndBatches(campaignId);
  if (!read) return undefined;
  const { report, batches } = read;
  const hostSummaries = batches.flatMap((batch) => batch.hosts);
  const records = await readThreatRecords(
    ingress,
    report.threats.map((threat) => threat.cve),
  );
  return { report, records, hostSummaries };
}
