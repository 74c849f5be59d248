import { INDEX_KEY } from '../../../shared/service-contracts.js';
import * as restate from '@restatedev/restate-sdk';
import {
  formatApprovalReasons,
  formatDuration,
  type ApprovalOutcome,
} from '../../../shared/approval.js';
import { specApprovalRequirement } from '../../../shared/campaign-spec.js';
import { approvalsObject } from '../../approvals/approvals-object.js';
import type { CampaignRun, Ending } from './campaign-run.js';

/**
 * Step 2: when the policy (src/shared/approval.ts, on resolved addresses)
 * flags the campaign, it registers a pending approval with the Approvals
 * object and waits on an awakeable raced against a durable timer and the
 * `cancel` promise. A rejection or the timeout ends it as `rejected` before
 * anything is scanned.
 */
export async function approvalGate(run: CampaignRun): Promise<Ending | undefined> {
  const { context, spec, campaignId, publisher } = run;
  const requirement = specApprovalRequirement(spec, run.resolution);
  if (requirement.kind === 'refuse') {
    // Submission refuses this for literal targets; a hostname can reach here.
    throw new restate.TerminalError(
      `approval mode never refused: ${formatApprovalReasons(requirement.reasons)}`,
      { errorCode: 400 },
    );
  }
  if (requirement.kind !== 'ask') return undefined;

  const approvals = context.objectClient(approvalsObject, INDEX_KEY);
  const timeoutMs = spec.approval.timeoutMs;
  const requestedAt = await run.now();
  const expiresAt = new Date(Date.parse(requestedAt) + timeoutMs).toISOString();
  const id = 'ap-' + context.rand.uuidv4().replaceAll('-', '').slice(0, 12);
  const decision = context.awakeable<ApprovalOutcome>();
  const reasons = requirement.reasons;
  publisher.progress.approval = { id, reasons, requestedAt, expiresAt };
  const withdraw = run.saga.register('withdraw approval request', () =>
    approvals.close({ campaignId, outcome: 'withdrawn' }),
  );
  await approvals.request({
    approval: { id, campaignId, name: spec.name, reasons, requestedAt, expiresAt },
    awakeableId: decision.id,
  });
  await publisher.publish('awaiting-approval');
  await publisher.audit(
    'approval requested',
    `${formatApprovalReasons(reasons)}; expires ${expiresAt} (${formatDuration(timeoutMs)})`,
  );
  const first = await restate.RestatePromise.race([
    decision.promise.map((outcome) => ({ outcome: outcome! })),
    context.sleep(timeoutMs, 'approval timeout').map(() => ({ timedOut: true as const })),
    run.cancelled,
  ]);
  // The Approvals object arbitrates: closing returns a decision recorded first.
  const outcome =
    'outcome' in first
      ? first.outcome
      : await approvals.close({
          campaignId,
          outcome: 'cancelled' in first ? 'withdrawn' : 'timed-out',
        });
  run.saga.forget(withdraw);
  if (outcome) publisher.progress.approval.outcome = outcome;
  if ('cancelled' in first)
    return { state: 'cancelled', event: 'cancelled', detail: first.cancelled };
  if (!outcome) throw new restate.TerminalError(`approval ${id} vanished`);
  if (outcome.outcome === 'timed-out')
    return {
      state: 'rejected',
      event: 'approval timed out',
      detail: `no decision by ${expiresAt}; nothing was scanned`,
    };
  if (outcome.outcome !== 'approved')
    return { state: 'rejected', event: 'rejected', detail: outcome.note, actor: outcome.by };
  await publisher.audit('approved', outcome.note, outcome.by ?? 'unknown');
  return undefined;
}
