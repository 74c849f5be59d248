import { SERVICE_NAMES, INDEX_KEY } from '../../shared/service-contracts.js';
import { createHash } from 'node:crypto';
import * as restate from '@restatedev/restate-sdk';
import {
  packedFindingsOfBatch,
  type BatchResult,
  type CampaignListing,
  type ParsedCampaignRequest,
} from '../../shared/campaign.js';
import { countPackedFindings, packFindings } from '../../shared/packed-findings.js';
import type { Finding } from '../../shared/vulnerability.js';
import { NmapImportRequest, type NmapImportResult } from '../../shared/interop.js';
import { formatPorts } from '../../shared/port-spec.js';
import { summarizeAddresses } from '../../shared/address-intervals.js';
import { campaignIndexObject } from '../campaigns/campaign-index-object.js';
import { campaignResultsObject } from '../campaigns/campaign-results-object.js';
import { type CampaignMetadata } from '../../shared/campaign-report.js';
import { totalsOfResults } from '../../shared/campaign-totals.js';
import { recordBatchSightings } from '../threats/record-sightings.js';
import {
  matchWithCurrentKnowledge,
  type LoadKnowledge,
} from '../vulnerabilities/knowledge-matching.js';
import { NmapImportError, parseNmapXmlForImport, type ImportedScan } from './nmap-xml-import.js';

/** Import campaign ids are derived from the file's bytes: the same file always lands on the same campaign. */
export function importCampaignId(xml: string): string {
  return 'imp-' + createHash('sha256').update(xml).digest('hex').slice(0, 16);
}

/** Hosts per stored batch of an imported scan (nothing is probed, so only the report's paging depends on it). */
const IMPORT_BATCH_SIZE = 50;

/**
 * Batch results of an import, in the same shape and slicing (IMPORT_BATCH_SIZE
 * hosts each) as a scan's, so reports, exports and diffs read imports and
 * scans alike.
 */
export function importBatches(scan: ImportedScan, findings: readonly Finding[]): BatchResult[] {
  const startedAt = scan.startedAt ?? scan.finishedAt ?? new Date(0).toISOString();
  const finishedAt = scan.finishedAt ?? startedAt;
  const batches: BatchResult[] = [];
  for (let offset = 0; offset < Math.max(1, scan.hosts.length); offset += IMPORT_BATCH_SIZE) {
    const hosts = scan.hosts.slice(offset, offset + IMPORT_BATCH_SIZE);
    const addresses = new Set(hosts.map((host) => host.host));
    batches.push({
      index: batches.length,
      state: 'done',
      engine: 'nmap',
      hosts,
      observations: scan.observations.filter((observation) => addresses.has(observation.host)),
      findings: packFindings(findings.filter((finding) => addresses.has(finding.host))),
      skipped: [],
      startedAt,
      finishedAt,
    });
  }
  return batches;
}

/** The request an import campaign records: what the file covered, in a scan request's shape. */
export function importRequest(name: string, scan: ImportedScan): ParsedCampaignRequest {
  // As ranges: a 45,000-host file's targets are one range, not a 700 KB list in every listing.
  const targets = summarizeAddresses(scan.hosts.map((host) => host.host));
  const ports = formatPorts(
    [...new Set(scan.observations.map((observation) => observation.port))].sort((a, b) => a - b),
  );
  return {
    name,
    targets: targets || 'none',
    ports: ports || 'none',
    scope: targets || 'none',
    engine: 'nmap',
    batchSize: IMPORT_BATCH_SIZE,
  } as ParsedCampaignRequest;
}

/**
 * `Imports.nmapXml`: an nmap or masscan XML file becomes a finished campaign
 * (source `import`) with the scan's time, command line and scanner version in
 * its audit trail; its services go through the same vulnerability matching
 * and ThreatIntel records as a scan's. Imports scan nothing, so they need no
 * scope lock and no approval.
 *
 * All or nothing: the file is checked whole before anything is written, and
 * once writing starts the handler is durable, so it finishes. The campaign id
 * comes from the file's bytes and sightings are idempotent per (campaign,
 * host, port): importing the same file twice adds nothing.
 */
export function createImportsService(loadKnowledge: LoadKnowledge) {
  return restate.service({
    name: SERVICE_NAMES.imports,
    handlers: {
      nmapXml: restate.handlers.handler(
        { input: restate.serde.schema(NmapImportRequest) },
        async (context: restate.Context, request: NmapImportRequest): Promise<NmapImportResult> => {
          // Parsing is pure and deterministic: it runs again on replay rather than filling the journal.
          let scan: ImportedScan;
          try {
            scan = parseNmapXmlForImport(request.xml);
          } catch (error) {
            if (error instanceof NmapImportError)
              throw new restate.TerminalError(`${error.message} (nothing was imported)`, {
                errorCode: 400,
              });
            throw error;
          }
          const campaignId = importCampaignId(request.xml);
          const name = request.name ?? `Import of ${request.sourceName ?? 'nmap XML'}`;
          const results = context.objectClient(campaignResultsObject, campaignId);
          const summary = (alreadyImported: boolean, findings: number): NmapImportResult => ({
            campaignId,
            name,
            alreadyImported,
            scanner: `${scan.scanner} ${scan.scannerVersion ?? ''}`.trim(),
            hosts: scan.hosts.length,
            hostsUp: scan.hosts.filter((host) => host.reachable).length,
            openPorts: scan.observations.length,
            findings,
          });

          const existing = await results.outline();
          if (existing) {
            let findings = 0;
            // One batch at a time: the whole campaign can pass Restate's message limit.
            for (const index of existing.batchIndexes) {
              const batch = await results.batch(index);
              if (batch) findings += countPackedFindings(packedFindingsOfBatch(batch));
            }
            return summary(true, findings);
          }

          const findings = await matchWithCurrentKnowledge(
            context,
            `match vulnerabilities of ${scan.observations.length} imported services`,
            loadKnowledge,
            scan.observations,
          );
          const batches = importBatches(scan, findings);
          for (const batch of batches) await results.storeBatch(batch);

          const importedAt = await context.date.toJSON();
          const audit = [
            {
              event: 'imported',
              detail: `${request.sourceName ?? 'file'} (sha256 ${createHash('sha256').update(request.xml).digest('hex')}); no scope or approval needed: nothing was scanned`,
            },
            {
              event: 'scanner',
              detail: `${scan.scanner}${scan.scannerVersion ? ` ${scan.scannerVersion}` : ''}`,
            },
            ...(scan.commandLine ? [{ event: 'scan command line', detail: scan.commandLine }] : []),
            {
              event: 'scan time',
              detail: `${scan.startedAt ?? 'start unknown'} to ${scan.finishedAt ?? 'end unknown'}`,
            },
            ...(scan.skippedNonTcpPorts
              ? [
                  {
                    event: 'left out',
                    detail: `${scan.skippedNonTcpPorts} non-TCP ports (UDP/SCTP are not modelled)`,
                  },
                ]
              : []),
          ];
          for (const entry of audit)
            await results.appendAudit({ at: importedAt, actor: 'import', ...entry });

          const request_ = importRequest(name, scan);
          const metadata: CampaignMetadata = {
            campaignId,
            name,
            request: request_,
            engine: 'nmap',
            targets: scan.hosts.length,
            startedAt: scan.startedAt ?? importedAt,
            finishedAt: scan.finishedAt ?? importedAt,
            state: 'completed',
            source: 'import',
          };
          await results.setMetadata(metadata);
          const listing: CampaignListing = {
            campaignId,
            name,
            scope: request_.scope as string,
            state: 'completed',
            engine: 'nmap',
            createdAt: importedAt,
            finishedAt: importedAt,
            totals: totalsOfResults(scan.hosts.length, batches),
            source: 'import',
          };
          await context.objectClient(campaignIndexObject, INDEX_KEY).upsert(listing);

          // Same recording and idempotency keys as a scan's batch: a replay records nothing twice.
          for (const batch of batches) await recordBatchSightings(context, campaignId, batch);
          return summary(false, findings.length);
        },
      ),
    },
  });
}
export type ImportsService = ReturnType<typeof createImportsService>;
