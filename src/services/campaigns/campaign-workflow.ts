import { INDEX_KEY } from '../../shared/service-contracts.js';
import * as restate from '@restatedev/restate-sdk';
import { z } from 'zod';
import {
  FINISHED_CAMPAIGN_STATES,
  type BatchSummary,
  type CampaignProgress,
  type CampaignState,
} from '../../shared/campaign.js';
import {
  BatchWindow,
  CAMPAIGN_SPEC_VERSION,
  NO_HOSTNAMES,
  batchWindowOf,
  type CampaignSpec,
  type HostnameResolution,
} from '../../shared/campaign-spec.js';
import { UpgradeStop, upgradeStopReason } from '../../shared/upgrade-stop.js';
import { scopeLocksObject } from '../scope-locks/scope-locks-object.js';
import { readStateEntries } from '../state-entries.js';
import { RECENT_JOURNAL_RETENTION } from '../journal-retention.js';
import { liveBatchProgress } from '../scanner/live-batch-progress.js';
import { approvalGate } from './workflow-steps/approval-gate.js';
import { batchWindowStep } from './workflow-steps/batch-window.js';
import { CampaignRun, CANCEL_PROMISE, type Ending } from './workflow-steps/campaign-run.js';
import { RESOLUTION, resolutionStep } from './workflow-steps/hostname-resolution.js';
import {
  BATCH_PREFIX,
  PROGRESS,
  ProgressPublisher,
  pendingBatch,
} from './workflow-steps/progress-publisher.js';
import { scanMarksStep } from './workflow-steps/scan-marks-step.js';
import { scopeLockStep } from './workflow-steps/scope-lock-step.js';

/**
 * Resolved by `stopOnUpgrade` when the host killed this run because a previous
 * app version started it: the run cannot write its own state any more, so the
 * shared handlers read the ending from here.
 */
const STOPPED_ON_UPGRADE_PROMISE = 'stopped-on-upgrade';
interface StoppedOnUpgrade {
  at: string;
  reason: string;
}

/** The stored progress, or its failed ending when the host stopped the run on an upgrade. */
async function withUpgradeStop(
  context: restate.WorkflowSharedContext,
  progress: CampaignProgress,
): Promise<CampaignProgress> {
  if (FINISHED_CAMPAIGN_STATES.includes(progress.state)) return progress;
  const stopped = await context.promise<StoppedOnUpgrade>(STOPPED_ON_UPGRADE_PROMISE).peek();
  if (!stopped) return progress;
  return {
    ...progress,
    state: 'failed',
    error: stopped.reason,
    updatedAt: stopped.at,
    finishedAt: stopped.at,
  };
}

/** Workflow state: the campaign spec, written once, read by the Scanner through `batchWindow`. */
const SPEC = 'spec';

/** The steps of a campaign, in order (step modules in ./workflow-steps). */
const STEPS = [
  ['resolution', resolutionStep],
  ['approval', approvalGate],
  ['scope-locks', scopeLockStep],
  ['scan-marks', scanMarksStep],
] as const;
export const CAMPAIGN_STEPS = [...STEPS.map(([name]) => name), 'scanning'] as const;
export type CampaignStep = (typeof CAMPAIGN_STEPS)[number];

export interface CampaignWorkflowOptions {
  /**
   * Called after each step; tests inject faults here (a TerminalError thrown
   * from it fails the campaign there). Must be deterministic: it runs again on replay.
   */
  afterStep?: (step: CampaignStep, spec: CampaignSpec) => void;
}

/**
 * One campaign, keyed by campaign id, as a saga over the spec `Campaigns.submit`
 * built: resolution, approval, scope locks, scan marks, then the batch window.
 * However it ends (completed, cancelled, rejected, failed), the registered
 * compensations run in reverse (approval withdrawn, marks cleared, locks
 * released). Results stay; the report marks them incomplete unless the
 * campaign completed.
 */
export function createCampaignWorkflow(options: CampaignWorkflowOptions = {}) {
  return restate.workflow({
    name: 'CampaignWorkflow',
    handlers: {
      run: async (
        context: restate.WorkflowContext,
        spec: CampaignSpec,
      ): Promise<CampaignProgress> => {
        if (spec?.version !== CAMPAIGN_SPEC_VERSION)
          throw new restate.TerminalError(
            'this campaign was started by another version of Spectra-Red; submit it again',
            { errorCode: 400 },
          );
        context.set(SPEC, spec);
        const publisher = new ProgressPublisher(context, spec, await context.date.toJSON());
        const run = new CampaignRun(context, spec, publisher);
        publisher.start();
        try {
          for (const [name, step] of STEPS) {
            const ending = await step(run);
            if (ending) return await run.end(ending);
            options.afterStep?.(name, spec);
          }
          const ending: Ending = await batchWindowStep(run);
          if (ending.state !== 'cancelled') options.afterStep?.('scanning', spec);
          return await run.end(ending);
        } catch (error) {
          // Anything else is retried by Restate and resumes where it stopped.
          if (!(error instanceof restate.TerminalError)) throw error;
          publisher.progress.error = error.message;
          await run.end({ state: 'failed', event: 'failed', detail: error.message });
          throw error;
        }
      },

      /** The targets, ports and probe options of one batch's window, read from the spec. */
      batchWindow: restate.handlers.workflow.shared(
        {
          input: restate.serde.schema(
            z.object({ offset: z.number().int().min(0), count: z.number().int().min(1) }),
          ),
          output: restate.serde.schema(BatchWindow),
        },
        async (context: restate.WorkflowSharedContext, window): Promise<BatchWindow> => {
          const spec = await context.get<CampaignSpec>(SPEC);
          if (!spec) throw new restate.TerminalError(`campaign ${context.key} has no spec`);
          const resolution = (await context.get<HostnameResolution>(RESOLUTION)) ?? NO_HOSTNAMES;
          return batchWindowOf(spec, resolution, window.offset, window.count);
        },
      ),

      /** The live view; a queued campaign's place in the queue is read fresh from ScopeLocks. */
      progress: async (
        context: restate.WorkflowSharedContext,
      ): Promise<CampaignProgress | null> => {
        const stored = await context.get<CampaignProgress>(PROGRESS);
        if (!stored) return null;
        const progress = await withUpgradeStop(context, stored);
        // Batches not started yet have no entry: they are pending.
        const started = new Map(
          (await readStateEntries<BatchSummary>(context, BATCH_PREFIX)).map((batch) => [
            batch.index,
            batch,
          ]),
        );
        const { batchSize, batchCount } = progress.tuning ?? { batchSize: 1, batchCount: 0 };
        progress.batches = Array.from(
          { length: batchCount },
          (_, index) =>
            started.get(index) ??
            pendingBatch(index, Math.min(batchSize, progress.totals.targets - index * batchSize)),
        );
        if (progress.state === 'queued') {
          const standing = await context
            .objectClient(scopeLocksObject, INDEX_KEY)
            .standing(context.key);
          if (standing) progress.queue = standing;
        }
        // Read last, after every context call, and never by `run`: a live value
        // beside the durable totals, not part of any journaled decision.
        const live =
          progress.state === 'scanning'
            ? liveBatchProgress.liveProgress(context.key, progress.batches)
            : undefined;
        if (live) progress.live = live;
        return progress;
      },

      /** Just the state, for callers that only need to know where the campaign is. */
      status: async (context: restate.WorkflowSharedContext): Promise<CampaignState | null> => {
        const progress = await context.get<CampaignProgress>(PROGRESS);
        return progress ? (await withUpgradeStop(context, progress)).state : null;
      },

      /**
       * The host killed this run at start-up because a previous app version
       * started it (see src/main/host/stale-invocations.ts); from now on the
       * progress reads failed with the reason. CampaignResults.stopOnUpgrade
       * runs the compensations and records it in the report and the index.
       */
      stopOnUpgrade: restate.handlers.workflow.shared(
        { input: restate.serde.schema(UpgradeStop) },
        async (context: restate.WorkflowSharedContext, stop: UpgradeStop): Promise<void> => {
          const stopped = context.promise<StoppedOnUpgrade>(STOPPED_ON_UPGRADE_PROMISE);
          // A host that died half-way through the stop does it again on its next start.
          if (await stopped.peek()) return;
          await stopped.resolve({
            at: await context.date.toJSON(),
            reason: upgradeStopReason(stop),
          });
        },
      ),

      /** Stops the campaign: no new batches start; results so far are kept. */
      cancel: async (
        context: restate.WorkflowSharedContext,
        reason?: string,
      ): Promise<{ accepted: boolean }> => {
        const progress = await context.get<CampaignProgress>(PROGRESS);
        if (progress && FINISHED_CAMPAIGN_STATES.includes(progress.state))
          return { accepted: false };
        await context.promise<string>(CANCEL_PROMISE).resolve(reason || 'cancelled by the analyst');
        return { accepted: true };
      },
    },
    options: {
      // Finished campaigns are listed and reported from objects, not from here.
      workflowRetention: { days: 30 },
      journalRetention: RECENT_JOURNAL_RETENTION,
    },
  });
}

export const campaignWorkflow = createCampaignWorkflow();
export type CampaignWorkflow = typeof campaignWorkflow;
