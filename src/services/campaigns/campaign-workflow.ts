import * as restate from '@restatedev/restate-sdk';
import {
  DEFAULT_BATCHES_IN_FLIGHT,
  emptySeverityCounts,
  FINISHED_CAMPAIGN_STATES,
  type BatchSummary,
  type CampaignListing,
  type CampaignProgress,
  type CampaignState,
  type ParsedCampaignRequest,
} from '../../shared/campaign.js';
import { batchDescriptors } from '../../shared/target-spec.js';
import type { ScanEngineName } from '../../shared/observation.js';
import type { ScannerService } from '../scanner/scanner-service.js';
import { chooseEngine } from '../scanner/batch-scan.js';
import { campaignIndexObject, CAMPAIGN_INDEX_KEY } from './campaign-index-object.js';
import { campaignResultsObject } from './campaign-results-object.js';
import { CampaignRequestInvalid, validateCampaignRequest } from './campaign-validation.js';

const PROGRESS = 'progress';
const CANCEL_PROMISE = 'cancel';
const SCANNER: ScannerService = { name: 'Scanner' } as ScannerService;

type BatchOutcome = { index: number; summary?: BatchSummary; failure?: string };

/**
 * One campaign, keyed by campaign id. Batches are sub-invocations of the
 * Scanner service (so no journal grows with the campaign), at most N in
 * flight; their full results go to CampaignResults and only small summaries
 * come back here. `cancel` resolves a durable promise that the batch loop
 * races against, so a cancelled campaign stops scheduling, keeps what it has
 * and ends as `cancelled`.
 */
export const campaignWorkflow = restate.workflow({
  name: 'CampaignWorkflow',
  handlers: {
    run: async (
      context: restate.WorkflowContext,
      raw: ParsedCampaignRequest,
    ): Promise<CampaignProgress> => {
      const campaignId = context.key;
      const startedAt = await context.date.toJSON();
      const results = context.objectSendClient(campaignResultsObject, campaignId);
      const audit = (event: string, detail?: string) =>
        context.date.toJSON().then((at) => results.appendAudit({ at, event, detail }));

      let validated: ReturnType<typeof validateCampaignRequest>;
      try {
        validated = validateCampaignRequest(raw);
      } catch (error) {
        if (error instanceof CampaignRequestInvalid)
          throw new restate.TerminalError(error.message, { errorCode: 400 });
        throw error;
      }
      const { request, plan } = validated;
      const batches = batchDescriptors(plan.hostCount, plan.batchSize);
      const progress: CampaignProgress = {
        campaignId,
        name: request.name,
        state: 'validating',
        startedAt,
        updatedAt: startedAt,
        totals: {
          targets: plan.hostCount,
          targetsDone: 0,
          hostsUp: 0,
          openPorts: 0,
          findings: emptySeverityCounts(),
        },
        batchSize: plan.batchSize,
        batches: batches.map((batch) => ({
          index: batch.index,
          state: 'pending',
          targets: batch.count,
          hostsUp: 0,
          openPorts: 0,
          findings: emptySeverityCounts(),
        })),
      };
      const publish = async (state: CampaignState, finishedAt?: string) => {
        progress.state = state;
        progress.updatedAt = await context.date.toJSON();
        if (finishedAt) progress.finishedAt = finishedAt;
        context.set(PROGRESS, progress);
        results.setMetadata({
          campaignId,
          name: request.name,
          request,
          engine: progress.engine,
          targets: plan.hostCount,
          startedAt,
          finishedAt,
          state,
        });
        const listing: CampaignListing = {
          campaignId,
          name: request.name,
          scope:
            typeof request.scope === 'string'
              ? request.scope
              : request.scope.map((entry) => entry.network).join(', '),
          state,
          engine: progress.engine,
          createdAt: startedAt,
          finishedAt,
          totals: progress.totals,
        };
        context.objectSendClient(campaignIndexObject, CAMPAIGN_INDEX_KEY).upsert(listing);
      };

      await publish('validating');
      await audit(
        'submitted',
        `${plan.hostCount} hosts x ${plan.portCount} ports in ${batches.length} batches`,
      );

      let engine: ScanEngineName;
      try {
        engine = await context.run('choose engine', () => chooseEngine(request.engine), {
          maxRetryAttempts: 1,
        });
      } catch (error) {
        await audit('failed', (error as Error).message);
        await publish('failed', await context.date.toJSON());
        throw error;
      }
      progress.engine = engine;
      await publish('scanning');
      await audit('scanning', `engine ${engine}`);

      const cancelled = context
        .promise<string>(CANCEL_PROMISE)
        .get()
        .map((reason) => ({ cancelled: reason ?? 'cancelled' }));
      const inFlight = new Map<number, restate.RestatePromise<BatchOutcome>>();
      const maxInFlight = request.batchesInFlight ?? DEFAULT_BATCHES_IN_FLIGHT;
      let nextBatch = 0;
      let cancelReason: string | undefined;

      while (!cancelReason && (nextBatch < batches.length || inFlight.size > 0)) {
        while (inFlight.size < maxInFlight && nextBatch < batches.length) {
          const batch = batches[nextBatch++]!;
          const index = batch.index;
          inFlight.set(
            index,
            context
              .serviceClient(SCANNER)
              .scanBatch({
                campaignId,
                index,
                offset: batch.offset,
                count: batch.count,
                request,
                engine,
              })
              .map((summary, failure) => ({ index, summary, failure: failure?.message })),
          );
          progress.batches[index]!.state = 'running';
        }
        context.set(PROGRESS, progress);
        const first = await restate.RestatePromise.race([cancelled, ...inFlight.values()]);
        if ('cancelled' in first) {
          cancelReason = first.cancelled;
          break;
        }
        inFlight.delete(first.index);
        recordBatch(progress, first);
        progress.updatedAt = await context.date.toJSON();
        context.set(PROGRESS, progress);
      }

      if (cancelReason) {
        // Batches still running finish on their own and store their results;
        // the report keeps them, marked incomplete.
        for (const index of inFlight.keys()) progress.batches[index]!.state = 'cancelled';
        for (const batch of progress.batches)
          if (batch.state === 'pending') batch.state = 'cancelled';
        await audit('cancelled', cancelReason);
        await publish('cancelled', await context.date.toJSON());
        return progress;
      }

      await publish('correlating');
      const failedBatches = progress.batches.filter((batch) => batch.state === 'failed').length;
      const finalState: CampaignState =
        failedBatches === batches.length && batches.length > 0 ? 'failed' : 'completed';
      const finishedAt = await context.date.toJSON();
      await audit(
        finalState,
        failedBatches ? `${failedBatches} of ${batches.length} batches failed` : undefined,
      );
      await publish(finalState, finishedAt);
      return progress;
    },

    progress: async (context: restate.WorkflowSharedContext): Promise<CampaignProgress | null> =>
      (await context.get<CampaignProgress>(PROGRESS)) ?? null,

    /** Stops the campaign: no new batches start; results so far are kept. */
    cancel: async (
      context: restate.WorkflowSharedContext,
      reason?: string,
    ): Promise<{ accepted: boolean }> => {
      const progress = await context.get<CampaignProgress>(PROGRESS);
      if (progress && FINISHED_CAMPAIGN_STATES.includes(progress.state)) return { accepted: false };
      await context.promise<string>(CANCEL_PROMISE).resolve(reason || 'cancelled by the analyst');
      return { accepted: true };
    },
  },
  options: {
    // Finished campaigns are listed and reported from objects, not from here.
    workflowRetention: { days: 30 },
  },
});
export type CampaignWorkflow = typeof campaignWorkflow;

function recordBatch(progress: CampaignProgress, outcome: BatchOutcome): void {
  const entry = progress.batches[outcome.index]!;
  if (outcome.summary) {
    Object.assign(entry, outcome.summary);
  } else {
    entry.state = 'failed';
    entry.error = outcome.failure ?? 'failed';
  }
  const totals = progress.totals;
  totals.targetsDone += entry.targets;
  totals.hostsUp += entry.hostsUp;
  totals.openPorts += entry.openPorts;
  for (const severity of Object.keys(totals.findings) as Array<keyof typeof totals.findings>) {
    totals.findings[severity] += entry.findings[severity] ?? 0;
  }
}
