import * as restate from '@restatedev/restate-sdk';
import type { BatchSummary } from '../../../shared/campaign.js';
import { batchDescriptors } from '../../../shared/target-spec.js';
import { siteScannerName } from '../../../shared/site.js';
import type { ScannerService } from '../../scanner/scanner-service.js';
import type { CampaignRun, Ending } from './campaign-run.js';
import { pendingBatch } from './progress-publisher.js';

/** The host's Scanner, or the one a campaign's site serves under its own name. */
export function scannerFor(site: string | undefined): ScannerService {
  return { name: siteScannerName(site) } as ScannerService;
}

/**
 * Step 5: the sliding window of batches. Each batch is a sub-invocation of the
 * Scanner service carrying only its window `{ offset, count }` (no journal
 * grows with the target list), at most `batchesInFlight` at a time, raced
 * against the `cancel` promise. A batch that fails terminally is a failed
 * batch, never retried here. Ends the campaign `completed` (or `failed` when
 * every batch failed), or `cancelled`.
 */
export async function batchWindowStep(run: CampaignRun): Promise<Ending> {
  const { context, spec, campaignId, publisher } = run;
  const batches = batchDescriptors(spec.counts.hosts, spec.tuning.batchSize);
  await publisher.publish('scanning');
  await publisher.audit(
    'scanning',
    `${spec.counts.hosts} hosts x ${spec.counts.ports} ports in ${batches.length} batches of up to ${spec.tuning.batchSize}, ${spec.tuning.batchesInFlight} in flight, engine ${spec.engine}`,
  );
  const inFlight = new Map<number, restate.RestatePromise<BatchSummary>>();
  let next = 0;
  let failed = 0;
  while (next < batches.length || inFlight.size > 0) {
    while (inFlight.size < spec.tuning.batchesInFlight && next < batches.length) {
      const { index, offset, count } = batches[next++]!;
      inFlight.set(
        index,
        context
          .serviceClient(scannerFor(spec.site))
          .scanBatch(
            { campaignId, index, offset, count, engine: spec.engine },
            // Keeps the finished batch known (Operations lists its handler's times)
            // for the idempotency retention, though the Scanner keeps no journal.
            restate.rpc.opts({ idempotencyKey: `${campaignId}/${index}` }),
          )
          .map(
            (summary, failure): BatchSummary =>
              summary ?? {
                ...pendingBatch(index, count),
                state: 'failed',
                error: failure?.message ?? 'failed',
              },
          ),
      );
      publisher.setBatch({ ...pendingBatch(index, count), state: 'running' });
    }
    await publisher.save();
    const first = await restate.RestatePromise.race([run.cancelled, ...inFlight.values()]);
    if ('cancelled' in first) {
      // Locks are released only when no probe of ours is in flight, so the
      // batches already running finish (bounded by their size) and keep their
      // results; the rest never start.
      for (const { index, count } of batches.slice(next))
        publisher.setBatch({ ...pendingBatch(index, count), state: 'cancelled' });
      for (const summary of await restate.RestatePromise.all([...inFlight.values()]))
        publisher.recordBatch(summary);
      return { state: 'cancelled', event: 'cancelled', detail: first.cancelled };
    }
    inFlight.delete(first.index);
    if (first.state === 'failed') failed += 1;
    publisher.recordBatch(first);
  }
  await publisher.publish('correlating');
  const state = failed === batches.length && batches.length > 0 ? 'failed' : 'completed';
  return {
    state,
    event: state,
    detail: failed ? `${failed} of ${batches.length} batches failed` : undefined,
  };
}
