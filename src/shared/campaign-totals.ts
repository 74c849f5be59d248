import {
  packedFindingsOfBatch,
  emptySeverityCounts,
  type BatchResult,
  type BatchSummary,
  type CampaignTotals,
} from './campaign.js';

/**
 * The one definition of a campaign's totals, used by the Scanner (a batch's
 * summary), the workflow (live progress) and the report (from stored results):
 *
 * - `targets`: every target of the campaign (addresses plus hostnames);
 * - `targetsDone`: the targets in the windows of batches that ended, done or
 *   failed, whether each was scanned or skipped (a hostname that did not
 *   resolve is done);
 * - `hostsUp`: hosts that answered on any port; `openPorts`: open ports found;
 * - `findings`: findings by severity.
 */

export function emptyTotals(targets: number): CampaignTotals {
  return { targets, targetsDone: 0, hostsUp: 0, openPorts: 0, findings: emptySeverityCounts() };
}

/** Targets in a stored batch's window; results stored before `targets` existed count what they hold. */
function windowSize(result: BatchResult): number {
  return result.targets ?? result.hosts.length + result.skipped.length;
}

/** What a batch reports to the workflow. */
export function summarizeBatch(result: BatchResult): BatchSummary {
  const findings = emptySeverityCounts();
  const packed = packedFindingsOfBatch(result);
  for (const service of packed.services)
    for (const index of service.cves) findings[packed.cves[index]!.severity] += 1;
  return {
    index: result.index,
    state: result.state,
    targets: windowSize(result),
    hostsUp: result.hosts.filter((host) => host.reachable).length,
    openPorts: result.observations.length,
    findings,
    ...(result.error !== undefined && { error: result.error }),
  };
}

/** Adds an ended batch (done or failed) to the totals. */
export function addBatchToTotals(totals: CampaignTotals, batch: BatchSummary): CampaignTotals {
  const findings = { ...totals.findings };
  for (const severity of Object.keys(findings) as Array<keyof typeof findings>)
    findings[severity] += batch.findings[severity] ?? 0;
  return {
    targets: totals.targets,
    targetsDone: totals.targetsDone + batch.targets,
    hostsUp: totals.hostsUp + batch.hostsUp,
    openPorts: totals.openPorts + batch.openPorts,
    findings,
  };
}

/** Totals over stored batch results (the report's view). */
export function totalsOfResults(targets: number, results: readonly BatchResult[]): CampaignTotals {
  return results.reduce(
    (totals, result) => addBatchToTotals(totals, summarizeBatch(result)),
    emptyTotals(targets),
  );
}
