import { siteScannerName } from '../../shared/site.js';
import * as restate from '@restatedev/restate-sdk';
import {
  DEFAULT_APPROVAL_TIMEOUT_MS,
  formatApprovalReasons,
  formatDuration,
  type ApprovalOutcome,
  type ApprovalReason,
} from '../../shared/approval.js';
import {
  campaignApprovalRequirement,
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
import { approvalsObject, APPROVALS_KEY } from '../approvals/approvals-object.js';
import { scanMarkFor, scanMarksObject, SCAN_MARKS_KEY } from '../scope-locks/scan-marks-object.js';
import { lockNetworks } from '../scope-locks/scope-lock-table.js';
import {
  scopeLocksObject,
  SCOPE_LOCKS_KEY,
  type LockGrant,
} from '../scope-locks/scope-locks-object.js';
import { campaignIndexObject, CAMPAIGN_INDEX_KEY } from './campaign-index-object.js';
import { campaignResultsObject } from './campaign-results-object.js';
import { validateCampaignRequestInHandler } from './campaign-validation.js';

const PROGRESS = 'progress';
const CANCEL_PROMISE = 'cancel';
/** The default Scanner, or the one a campaign's site serves under its own name. */
const scannerFor = (site: string | undefined) =>
  ({ name: siteScannerName(site) }) as ScannerService;

type BatchOutcome = { index: number; summary?: BatchSummary; failure?: string };
type Cancelled = { cancelled: string };

/** The steps of a campaign, in order; each may be followed by an injected failure in tests. */
export const CAMPAIGN_STEPS = [
  'approval',
  'engine',
  'scope-locks',
  'scan-marks',
  'scanning',
] as const;
export type CampaignStep = (typeof CAMPAIGN_STEPS)[number];

export interface CampaignWorkflowOptions {
  /**
   * Test-only fault injection: when it answers true, the campaign fails
   * terminally right after `step`. Only a host that builds the workflow with
   * this option can trigger it; the default workflow has none, so no request
   * can. Must be deterministic (it runs again on replay).
   */
  failAfterStep?: (step: CampaignStep, request: ParsedCampaignRequest) => boolean;
}

/** An undo step of the campaign saga, run in reverse order of registration. */
type Compensation = { name: string; undo: () => Promise<unknown> };

/**
 * One campaign, keyed by campaign id, as a saga:
 *
 * 1. approval: when the policy (src/shared/approval.ts) flags the campaign, it
 *    registers a pending approval with the Approvals object and waits on an
 *    awakeable raced against a durable timer and the `cancel` promise. A
 *    rejection or the timeout ends it as `rejected` before anything else runs.
 * 2. engine choice.
 * 3. scope locks: ScopeLocks grants the campaign's scope networks or queues it
 *    (state `queued`); a queued campaign waits on an awakeable the lock object
 *    resolves when the networks free up.
 * 4. scan marks: its targets are marked as under scan.
 * 5. scanning: batches are sub-invocations of the Scanner service (so no
 *    journal grows with the campaign), at most N in flight, raced against the
 *    `cancel` durable promise; full results go to CampaignResults and only
 *    small summaries come back here.
 *
 * However it ends (completed, cancelled, failed), the compensations of steps
 * 3-4 run in reverse: marks cleared, then locks released. Results stay, and
 * the report marks them incomplete unless the campaign completed.
 */
export function createCampaignWorkflow(options: CampaignWorkflowOptions = {}) {
  return restate.workflow({
    name: 'CampaignWorkflow',
    handlers: {
      run: async (
        context: restate.WorkflowContext,
        raw: ParsedCampaignRequest,
      ): Promise<CampaignProgress> => {
        const campaignId = context.key;
        const startedAt = await context.date.toJSON();
        const results = context.objectClient(campaignResultsObject, campaignId);
        const resultsSend = context.objectSendClient(campaignResultsObject, campaignId);
        // One-way: audit entries and intermediate states need no answer, and a
        // virtual object handles one caller's messages in order, so the final
        // awaited publish still lands after all of them.
        const audit = async (event: string, detail?: string, actor?: string) => {
          resultsSend.appendAudit({ at: await context.date.toJSON(), event, detail, actor });
        };

        const validated = validateCampaignRequestInHandler(raw);
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
          const metadata = {
            campaignId,
            name: request.name,
            request,
            engine: progress.engine,
            targets: plan.hostCount,
            startedAt,
            finishedAt,
            state,
          };
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
          if (finishedAt === undefined) {
            resultsSend.setMetadata(metadata);
            context.objectSendClient(campaignIndexObject, CAMPAIGN_INDEX_KEY).upsert(listing);
            return;
          }
          // The final state is awaited: whoever sees the workflow finish must
          // also see the report and the listing in their final state.
          await results.setMetadata(metadata);
          await context.objectClient(campaignIndexObject, CAMPAIGN_INDEX_KEY).upsert(listing);
        };

        const compensations: Compensation[] = [];
        const compensate = async () => {
          while (compensations.length) await compensations.pop()!.undo();
        };
        /** Compensations, audit, final publish: the one way a campaign ends. */
        const end = async (
          state: CampaignState,
          event: string,
          detail?: string,
          actor?: string,
        ): Promise<CampaignProgress> => {
          await compensate();
          await audit(event, detail, actor);
          await publish(state, await context.date.toJSON());
          return progress;
        };
        const checkpoint = (step: CampaignStep) => {
          if (options.failAfterStep?.(step, request)) {
            throw new restate.TerminalError(`injected failure after step ${step}`);
          }
        };
        const cancelled = context
          .promise<string>(CANCEL_PROMISE)
          .get()
          .map((reason): Cancelled => ({ cancelled: reason ?? 'cancelled' }));

        try {
          // 1. Approval.
          const requirement = campaignApprovalRequirement(request, plan);
          if (requirement.kind === 'refuse') {
            // Submission refuses this already; a direct call still must not scan.
            throw new restate.TerminalError(
              `approval mode never refused: ${formatApprovalReasons(requirement.reasons)}`,
              { errorCode: 400 },
            );
          }
          if (requirement.kind === 'ask') {
            const waited = await waitForApproval(requirement.reasons);
            if ('cancelled' in waited) return await end('cancelled', 'cancelled', waited.cancelled);
            const { outcome } = waited;
            if (outcome.outcome === 'timed-out') {
              return await end(
                'rejected',
                'approval timed out',
                `no decision by ${progress.approval!.expiresAt}; nothing was scanned`,
              );
            }
            if (outcome.outcome !== 'approved') {
              return await end('rejected', 'rejected', outcome.note, outcome.by);
            }
          }
          checkpoint('approval');

          // 2. Engine.
          const engine: ScanEngineName = await context.run(
            'choose engine',
            () => chooseEngine(request.engine),
            { maxRetryAttempts: 1 },
          );
          progress.engine = engine;
          checkpoint('engine');

          // 3. Scope locks.
          const networks = lockNetworks(request.scope);
          const locks = context.objectClient(scopeLocksObject, SCOPE_LOCKS_KEY);
          // Registered before asking: a lost answer may still have queued or granted us.
          compensations.push({
            name: 'release scope locks',
            undo: () => locks.release(campaignId),
          });
          const grant = context.awakeable<LockGrant>();
          const answer = await locks.acquire({
            campaignId,
            name: request.name,
            networks,
            awakeableId: grant.id,
          });
          if (!answer.granted) {
            progress.queue = {
              position: answer.position,
              blockedBy: answer.blockedBy,
              queuedAt: await context.date.toJSON(),
            };
            await publish('queued');
            await audit(
              'queued',
              `position ${answer.position}, scope ${networks.join(', ')} overlaps ${answer.blockedBy.join(', ')}`,
            );
            const first = await restate.RestatePromise.race([
              grant.promise.map(() => ({ granted: true as const })),
              cancelled,
            ]);
            if ('cancelled' in first) return await end('cancelled', 'cancelled', first.cancelled);
            delete progress.queue;
          }
          await audit('scope locked', networks.join(', '));
          checkpoint('scope-locks');

          // 4. Scan marks.
          const marks = context.objectClient(scanMarksObject, SCAN_MARKS_KEY);
          compensations.push({ name: 'clear scan marks', undo: () => marks.clear(campaignId) });
          await marks.mark(
            scanMarkFor({
              campaignId,
              name: request.name,
              targets: request.targets,
              exclusions: request.exclusions,
              maxHosts: request.maxHosts,
              markedAt: await context.date.toJSON(),
            }),
          );
          checkpoint('scan-marks');

          // 5. Scanning. One publish before scanning: every call here delays the first batch.
          await publish('scanning');
          await audit(
            'scanning',
            `${plan.hostCount} hosts x ${plan.portCount} ports in ${batches.length} batches, engine ${engine}`,
          );
          const cancelReason = await scanBatches(engine);
          if (cancelReason !== undefined) return await end('cancelled', 'cancelled', cancelReason);
          checkpoint('scanning');

          await publish('correlating');
          const failedBatches = progress.batches.filter((batch) => batch.state === 'failed').length;
          const finalState: CampaignState =
            failedBatches === batches.length && batches.length > 0 ? 'failed' : 'completed';
          return await end(
            finalState,
            finalState,
            failedBatches ? `${failedBatches} of ${batches.length} batches failed` : undefined,
          );
        } catch (error) {
          // Anything else is retried by Restate and resumes where it stopped.
          if (!(error instanceof restate.TerminalError)) throw error;
          progress.error = error.message;
          await end('failed', 'failed', error.message);
          throw error;
        }

        async function waitForApproval(
          reasons: ApprovalReason[],
        ): Promise<{ outcome: ApprovalOutcome } | Cancelled> {
          const approvals = context.objectClient(approvalsObject, APPROVALS_KEY);
          const timeoutMs = request.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
          const requestedAt = await context.date.toJSON();
          const expiresAt = new Date(Date.parse(requestedAt) + timeoutMs).toISOString();
          const id = 'ap-' + context.rand.uuidv4().replaceAll('-', '').slice(0, 12);
          const decision = context.awakeable<ApprovalOutcome>();
          progress.approval = { id, reasons, requestedAt, expiresAt };
          const withdraw: Compensation = {
            name: 'withdraw approval request',
            undo: () => approvals.close({ campaignId, outcome: 'withdrawn' }),
          };
          compensations.push(withdraw);
          await approvals.request({
            approval: { id, campaignId, name: request.name, reasons, requestedAt, expiresAt },
            awakeableId: decision.id,
          });
          await publish('awaiting-approval');
          await audit(
            'approval requested',
            `${formatApprovalReasons(reasons)}; expires ${expiresAt} (${formatDuration(timeoutMs)})`,
          );
          const first = await restate.RestatePromise.race([
            decision.promise.map((outcome) => ({ outcome: outcome! })),
            context.sleep(timeoutMs, 'approval timeout').map(() => ({ timedOut: true as const })),
            cancelled,
          ]);
          // The Approvals object arbitrates: closing returns a decision recorded first.
          const outcome =
            'outcome' in first
              ? first.outcome
              : await approvals.close({
                  campaignId,
                  outcome: 'cancelled' in first ? 'withdrawn' : 'timed-out',
                });
          compensations.splice(compensations.indexOf(withdraw), 1);
          if (outcome) progress.approval.outcome = outcome;
          if ('cancelled' in first) return first;
          if (!outcome) throw new restate.TerminalError(`approval ${id} vanished`);
          if (outcome.outcome === 'approved')
            await audit('approved', outcome.note, outcome.by ?? 'unknown');
          return { outcome };
        }

        /** The sliding window of batches; returns the cancel reason when cancelled. */
        async function scanBatches(engine: ScanEngineName): Promise<string | undefined> {
          const inFlight = new Map<number, restate.RestatePromise<BatchOutcome>>();
          const maxInFlight = request.batchesInFlight ?? DEFAULT_BATCHES_IN_FLIGHT;
          let nextBatch = 0;

          while (nextBatch < batches.length || inFlight.size > 0) {
            while (inFlight.size < maxInFlight && nextBatch < batches.length) {
              const batch = batches[nextBatch++]!;
              const index = batch.index;
              inFlight.set(
                index,
                context
                  .serviceClient(scannerFor(request.site))
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
              // Locks are released only when no probe of ours is in flight, so
              // the batches already running finish (bounded by their size) and
              // keep their results; the rest never start.
              for (const batch of progress.batches)
                if (batch.state === 'pending') batch.state = 'cancelled';
              context.set(PROGRESS, progress);
              for (const outcome of await restate.RestatePromise.all([...inFlight.values()]))
                recordBatch(progress, outcome);
              return first.cancelled;
            }
            inFlight.delete(first.index);
            recordBatch(progress, first);
            progress.updatedAt = await context.date.toJSON();
            context.set(PROGRESS, progress);
          }
          return undefined;
        }
      },

      /** The live view; a queued campaign's place in the queue is read fresh from ScopeLocks. */
      progress: async (
        context: restate.WorkflowSharedContext,
      ): Promise<CampaignProgress | null> => {
        const progress = await context.get<CampaignProgress>(PROGRESS);
        if (progress?.state === 'queued') {
          const standing = await context
            .objectClient(scopeLocksObject, SCOPE_LOCKS_KEY)
            .standing(context.key);
          if (standing) progress.queue = standing;
        }
        return progress ?? null;
      },

      /** Just the state, for callers that only need to know where the campaign is. */
      status: async (context: restate.WorkflowSharedContext): Promise<CampaignState | null> =>
        (await context.get<CampaignProgress>(PROGRESS))?.state ?? null,

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
    },
  });
}

export const campaignWorkflow = createCampaignWorkflow();
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
