import * as clients from '@restatedev/restate-sdk-clients';
import type { ApprovalsObject } from '../services/approvals/approvals-object.js';
import type { CampaignIndexObject } from '../services/campaigns/campaign-index-object.js';
import type { CampaignResultsObject } from '../services/campaigns/campaign-results-object.js';
import type { CampaignsService } from '../services/campaigns/campaign-submission-service.js';
import type { CampaignWorkflow } from '../services/campaigns/campaign-workflow.js';
import type { DiagnosticsService } from '../services/diagnostics/diagnostics-service.js';
import type { HostInventoryObject } from '../services/hosts/host-inventory-object.js';
import type { ImportsService } from '../services/interop/imports-service.js';
import type { RematchService } from '../services/rematch/rematch-service.js';
import type { RecheckService } from '../services/rechecks/recheck-service.js';
import type { SchedulesObject } from '../services/schedules/schedules-object.js';
import type { ScanMarksObject } from '../services/scope-locks/scan-marks-object.js';
import type { ScopeLocksObject } from '../services/scope-locks/scope-locks-object.js';
import type { ThreatIndexObject } from '../services/threats/threat-index-object.js';
import type { ThreatIntelObject } from '../services/threats/threat-intel-object.js';
import type { BatchResult, CampaignReport } from '../shared/campaign.js';
import { assembleReport } from '../shared/campaign-report.js';
import { readAllHostPages } from '../shared/host-inventory.js';
import { INDEX_KEY, SERVICE_NAMES } from '../shared/service-contracts.js';

/**
 * The one way every process calls the services (the renderer's backend, the
 * CLI, tests, e2e support, bench): typed clients of
 * `@restatedev/restate-sdk-clients` built from the services' own `typeof`
 * types, with the service names and the singleton key from src/shared.
 *
 * This module runs in the browser too, so it imports the services type-only
 * (erased from every bundle; lint enforces it). The renderer's tsconfig reads
 * those types from the Node project's declarations (out/types), so a changed
 * handler input or answer fails the renderer's typecheck as well.
 */

/** Where the ingress is: a URL, and optionally the transport (e.g. a Unix-socket fetch) and headers. */
export interface IngressTransport {
  url: string;
  fetch?: typeof globalThis.fetch;
  headers?: Record<string, string>;
}

/** A definition by name only; the name must be the one the service registers under. */
const named = <Definition extends { name: string }>(name: Definition['name']) =>
  ({ name }) as Definition;

const DEFINITIONS = {
  campaigns: named<CampaignsService>(SERVICE_NAMES.campaigns),
  campaignWorkflow: named<CampaignWorkflow>(SERVICE_NAMES.campaignWorkflow),
  campaignResults: named<CampaignResultsObject>(SERVICE_NAMES.campaignResults),
  campaignIndex: named<CampaignIndexObject>(SERVICE_NAMES.campaignIndex),
  threatIntel: named<ThreatIntelObject>(SERVICE_NAMES.threatIntel),
  threatIndex: named<ThreatIndexObject>(SERVICE_NAMES.threatIndex),
  approvals: named<ApprovalsObject>(SERVICE_NAMES.approvals),
  schedules: named<SchedulesObject>(SERVICE_NAMES.schedules),
  scopeLocks: named<ScopeLocksObject>(SERVICE_NAMES.scopeLocks),
  scanMarks: named<ScanMarksObject>(SERVICE_NAMES.scanMarks),
  rechecks: named<RecheckService>(SERVICE_NAMES.rechecks),
  diagnostics: named<DiagnosticsService>(SERVICE_NAMES.diagnostics),
  hostInventory: named<HostInventoryObject>(SERVICE_NAMES.hostInventory),
  imports: named<ImportsService>(SERVICE_NAMES.imports),
  rematch: named<RematchService>(SERVICE_NAMES.rematch),
};

/** Typed clients over one ingress connection. */
export function spectraClients(ingress: clients.Ingress) {
  return {
    ingress,
    campaigns: () => ingress.serviceClient(DEFINITIONS.campaigns),
    campaignWorkflow: (campaignId: string) =>
      ingress.workflowClient(DEFINITIONS.campaignWorkflow, campaignId),
    campaignResults: (campaignId: string) =>
      ingress.objectClient(DEFINITIONS.campaignResults, campaignId),
    /** A campaign's report (null for an unknown id): see readCampaignResults. */
    campaignReport: async (campaignId: string) =>
      (await readCampaignResults(ingress, campaignId))?.report ?? null,
    /** The report and the batch results it was assembled from (exports read both). */
    campaignReportAndBatches: (campaignId: string) => readCampaignResults(ingress, campaignId),
    campaignIndex: () => ingress.objectClient(DEFINITIONS.campaignIndex, INDEX_KEY),
    threatIntel: (cve: string) => ingress.objectClient(DEFINITIONS.threatIntel, cve),
    threatIndex: () => ingress.objectClient(DEFINITIONS.threatIndex, INDEX_KEY),
    approvals: () => ingress.objectClient(DEFINITIONS.approvals, INDEX_KEY),
    schedules: () => ingress.objectClient(DEFINITIONS.schedules, INDEX_KEY),
    scopeLocks: () => ingress.objectClient(DEFINITIONS.scopeLocks, INDEX_KEY),
    scanMarks: () => ingress.objectClient(DEFINITIONS.scanMarks, INDEX_KEY),
    rechecks: () => ingress.serviceClient(DEFINITIONS.rechecks),
    diagnostics: () => ingress.serviceClient(DEFINITIONS.diagnostics),
    hostInventory: () => ingress.objectClient(DEFINITIONS.hostInventory, INDEX_KEY),
    /** Every host the inventory holds, in address order, read page by page. */
    hosts: () =>
      readAllHostPages((after) =>
        ingress
          .objectClient(DEFINITIONS.hostInventory, INDEX_KEY)
          .list(after === undefined ? {} : { after }),
      ),
    imports: () => ingress.serviceClient(DEFINITIONS.imports),
    rematch: () => ingress.serviceClient(DEFINITIONS.rematch),
    /**
     * One-way calls: queued, answered with the invocation id, not the result.
     * Add a line here when a caller needs another one.
     */
    send: {
      threatIntel: (cve: string) => ingress.objectSendClient(DEFINITIONS.threatIntel, cve),
      hostInventory: () => ingress.objectSendClient(DEFINITIONS.hostInventory, INDEX_KEY),
    },
  };
}
export type SpectraClients = ReturnType<typeof spectraClients>;

/** Batch results read at once while a report is assembled (each up to ~20 MiB). */
const PARALLEL_BATCH_READS = 8;

/**
 * A campaign's report, assembled here from its outline and its batches read a
 * few at a time: no single answer or state read on the host grows with the
 * campaign, so a /16's report is read like a /24's. Null for an unknown id.
 */
async function readCampaignResults(
  ingress: clients.Ingress,
  campaignId: string,
): Promise<{ report: CampaignReport; batches: BatchResult[] } | null> {
  const results = ingress.objectClient(DEFINITIONS.campaignResults, campaignId);
  const outline = await results.outline();
  if (!outline) return null;
  const batches = (
    await readInChunks(outline.batchIndexes, PARALLEL_BATCH_READS, (index) => results.batch(index))
  ).filter((batch): batch is BatchResult => batch !== null);
  return { report: assembleReport(outline.metadata, batches, outline.audit), batches };
}

/**
 * `read` for each item, `size` calls at a time (in item order): bounded, so a
 * campaign with thousands of batches or CVEs does not open thousands of calls.
 */
export async function readInChunks<T, R>(
  items: readonly T[],
  size: number,
  read: (item: T) => PromiseLike<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size)
    results.push(...(await Promise.all(items.slice(start, start + size).map(read))));
  return results;
}

/**
 * Options of one call, the typed clients' last argument: an idempotency key
 * makes a retried or doubled call one invocation (the same answer); a timeout
 * in milliseconds bounds the wait for the answer.
 */
export function callOptions<Input, Output>(options: { idempotencyKey?: string; timeout?: number }) {
  return clients.rpc.opts<Input, Output>(options);
}

/** Connects to an ingress (plugs in the hardening work's `{ url, fetch }` Unix-socket transport). */
export function connectSpectra(transport: IngressTransport): SpectraClients {
  return spectraClients(
    clients.connect({
      url: transport.url,
      ...(transport.fetch && { fetch: transport.fetch }),
      ...(transport.headers && { headers: transport.headers }),
    }),
  );
}
