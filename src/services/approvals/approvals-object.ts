import * as restate from '@restatedev/restate-sdk';
import { readStateEntries } from '../state-entries.js';
import { z } from 'zod';
import type { ApprovalOutcome } from '../../shared/approval.js';
import { ApprovalDecisionInput, PendingApproval, decisionRefusal } from '../../shared/approval.js';

const PENDING_PREFIX = 'pending:';
const RECENT = 'recent';
/** Outcomes kept to explain a late or repeated decision; older ones are only in the campaigns' audit trails. */
const MAX_RECENT_OUTCOMES = 200;

export const ApprovalRegistration = z.object({
  approval: PendingApproval,
  /** The campaign's awakeable, resolved with the {@link ApprovalOutcome} exactly once. */
  awakeableId: z.string().min(1),
});
export type ApprovalRegistration = z.infer<typeof ApprovalRegistration>;

type StoredApproval = ApprovalRegistration;

export const ApprovalClosing = z.object({
  campaignId: z.string().min(1),
  outcome: z.enum(['timed-out', 'withdrawn']),
});
export type ApprovalClosing = z.infer<typeof ApprovalClosing>;

/**
 * Every pending approval, keyed INDEX_KEY, one state entry per approval: what the
 * CLI (`spectra approvals`) and the UI list. This object is the one arbiter of
 * each approval's outcome: handlers are exclusive, so the first of a decision,
 * a timeout or a withdrawal wins, is recorded, and resolves the campaign's
 * awakeable once; everything after it is refused with the recorded outcome.
 */
export const approvalsObject = restate.object({
  name: 'Approvals',
  handlers: {
    request: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ApprovalRegistration), ingressPrivate: true },
      async (context: restate.ObjectContext, registration: ApprovalRegistration) => {
        context.set(PENDING_PREFIX + registration.approval.id, registration);
      },
    ),

    /** Approve or reject; `id` is the approval id or the campaign id. */
    decide: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ApprovalDecisionInput) },
      async (
        context: restate.ObjectContext,
        decision: z.output<typeof ApprovalDecisionInput>,
      ): Promise<ApprovalOutcome> => {
        const now = await context.date.toJSON();
        const pending = await findPending(context, decision.id);
        const recent = (await context.get<ApprovalOutcome[]>(RECENT)) ?? [];
        const past = recent.findLast(
          (outcome) => outcome.id === decision.id || outcome.campaignId === decision.id,
        );
        const refusal = decisionRefusal(decision.id, pending?.approval, past, now);
        if (refusal || !pending) {
          throw new restate.TerminalError(refusal ?? 'no pending approval', {
            errorCode: pending || past ? 409 : 404,
          });
        }
        const outcome: ApprovalOutcome = {
          id: pending.approval.id,
          campaignId: pending.approval.campaignId,
          outcome: decision.verdict === 'approve' ? 'approved' : 'rejected',
          at: now,
          by: decision.by,
          note: decision.note || undefined,
        };
        settle(context, pending, outcome, recent);
        return outcome;
      },
    ),

    /**
     * Called by the campaign when its timer fired or it was cancelled. Returns
     * the outcome that stands: this closing, or a decision recorded first
     * (null when nothing was ever requested).
     */
    close: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ApprovalClosing), ingressPrivate: true },
      async (
        context: restate.ObjectContext,
        closing: ApprovalClosing,
      ): Promise<ApprovalOutcome | null> => {
        const recent = (await context.get<ApprovalOutcome[]>(RECENT)) ?? [];
        const pending = await findPending(context, closing.campaignId);
        // Closing twice, or what was never requested, changes nothing.
        if (!pending)
          return recent.findLast((outcome) => outcome.campaignId === closing.campaignId) ?? null;
        const outcome: ApprovalOutcome = {
          id: pending.approval.id,
          campaignId: closing.campaignId,
          outcome: closing.outcome,
          at: await context.date.toJSON(),
        };
        settle(context, pending, outcome, recent);
        return outcome;
      },
    ),

    /** Pending approvals, the one expiring first first. */
    list: restate.handlers.object.shared(
      async (context: restate.ObjectSharedContext): Promise<PendingApproval[]> => {
        const pending = (await readStateEntries<StoredApproval>(context, PENDING_PREFIX)).map(
          (stored) => stored.approval,
        );
        return pending.sort((left, right) => left.expiresAt.localeCompare(right.expiresAt));
      },
    ),

    /** How an approval ended (by approval or campaign id); null while pending or unknown. */
    outcome: restate.handlers.object.shared(
      { input: restate.serde.schema(z.string().min(1)) },
      async (context: restate.ObjectSharedContext, id: string): Promise<ApprovalOutcome | null> =>
        ((await context.get<ApprovalOutcome[]>(RECENT)) ?? []).findLast(
          (outcome) => outcome.id === id || outcome.campaignId === id,
        ) ?? null,
    ),
  },
});
export type ApprovalsObject = typeof approvalsObject;

async function findPending(
  context: restate.ObjectContext,
  id: string,
): Promise<StoredApproval | undefined> {
  const direct = await context.get<StoredApproval>(PENDING_PREFIX + id);
  if (direct) return direct;
  const pending = await readStateEntries<StoredApproval>(context, PENDING_PREFIX);
  return pending.find((stored) => stored.approval.campaignId === id);
}

function settle(
  context: restate.ObjectContext,
  pending: StoredApproval,
  outcome: ApprovalOutcome,
  recent: ApprovalOutcome[],
): void {
  context.clear(PENDING_PREFIX + pending.approval.id);
  context.set(RECENT, [...recent, outcome].slice(-MAX_RECENT_OUTCOMES));
  context.resolveAwakeable<ApprovalOutcome>(pending.awakeableId, outcome);
}
