import * as restate from '@restatedev/restate-sdk';
import type { BatchResult } from '../../shared/campaign.js';
import { INDEX_KEY } from '../../shared/service-contracts.js';
import { groupSightingsByCve } from '../../shared/threat.js';
import type { Finding } from '../../shared/vulnerability.js';
import type { PackedFindings } from '../../shared/packed-findings.js';
import { hostInventoryObject, hostSightingsOf } from '../hosts/host-inventory-object.js';
import { threatIndexObject } from './threat-index-object.js';
import { threatIntelObject } from './threat-intel-object.js';

/**
 * Records findings in the threat records, one ThreatIntel call per CVE, all in
 * parallel, then writes the threats-table rows they return in one ThreatIndex
 * call (one exclusive call per batch instead of one per CVE queued on the
 * table; the rows' revisions keep the newest when batches race). Returns once
 * the records and the table have them. Awaited, not sent: when a campaign, an
 * import or a re-match says it is done, `spectra threats` and the Threats page
 * already list its CVEs. `idempotencyScope` ("campaign/batch") makes a re-sent
 * batch a no-op.
 */
export async function recordThreatSightings(
  context: restate.Context,
  campaignId: string,
  findings: readonly Finding[] | PackedFindings,
  idempotencyScope?: string,
): Promise<string[]> {
  const groups = [...groupSightingsByCve(campaignId, findings)];
  if (groups.length === 0) return [];
  const answers = await restate.RestatePromise.all(
    groups.map(([cve, sightings]) => {
      const threat = context.objectClient(threatIntelObject, cve);
      return idempotencyScope
        ? threat.record(
            sightings,
            restate.rpc.opts({ idempotencyKey: `${idempotencyScope}/${cve}` }),
          )
        : threat.record(sightings);
    }),
  );
  const rows = answers.flatMap((answer) => (answer.row ? [answer.row] : []));
  if (rows.length > 0) await context.objectClient(threatIndexObject, INDEX_KEY).upsertMany(rows);
  return groups.map(([cve]) => cve);
}

/**
 * What one stored batch (scanned or imported) teaches the host inventory and
 * the threat records; returns when both have it, for the same reason as above.
 */
export async function recordBatchSightings(
  context: restate.Context,
  campaignId: string,
  batch: BatchResult,
): Promise<void> {
  const scope = `${campaignId}/${batch.index}`;
  const hosts = context
    .objectClient(hostInventoryObject, INDEX_KEY)
    .record(
      hostSightingsOf(campaignId, batch),
      restate.rpc.opts({ idempotencyKey: `${scope}/hosts` }),
    );
  // As stored (packed, or a plain list in batches of older versions): split by CVE as it is.
  await recordThreatSightings(context, campaignId, batch.findings, scope);
  await hosts;
}
