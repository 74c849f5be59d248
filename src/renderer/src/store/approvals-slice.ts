import type { ApprovalOutcome, PendingApproval, ApprovalVerdict } from '../../../shared/approval';
import type { NotificationRequest } from '../../../shared/shell-contract';
import { formatDuration } from '../lib/format';
import type { SliceCreator } from './app-store';

export type { PendingApproval } from '../../../shared/approval';

/** What the analyst typed for one approval. */
export interface DecisionDraft {
  verdict: ApprovalVerdict;
  note: string;
  by: string;
}

/** One approval's decision as this session saw it; kept after the approval leaves the list. */
export type DecisionState =
  | { status: 'deciding'; verdict: ApprovalVerdict }
  | { status: 'decided'; outcome: ApprovalOutcome }
  | { status: 'error'; verdict: ApprovalVerdict; error: string };

/**
 * What only this session knows about approvals (the list itself is server
 * state, in the query cache): its decisions, the names of decided approvals,
 * which ids it has already announced, and the approver name last used.
 */
export interface ApprovalsSlice {
  approvalDecisions: Record<string, DecisionState>;
  /** Campaign names by approval id, so a decided approval can still be named. */
  approvalNames: Record<string, { name: string; campaignId: string }>;
  /** Every approval id a poll has returned: notifications are raised once per id. */
  seenApprovalIds: Record<string, true>;
  /** The "by" name last used, offered again for the next decision. */
  approverName: string;
  /** Remembers a polled list; returns the approvals that appeared for the first time. */
  noteApprovals(approvals: readonly PendingApproval[]): PendingApproval[];
  recordDecision(id: string, decision: DecisionState, by?: string): void;
}

/** Why a draft cannot be sent yet, or undefined when it can. */
export function checkDecisionDraft(draft: DecisionDraft): string | undefined {
  const note = draft.note.trim();
  if (draft.verdict === 'reject' && note === '') return 'A note is required to reject.';
  if (note.length > 2000) return 'The note is at most 2000 characters.';
  if (draft.by.trim().length > 120) return 'The name is at most 120 characters.';
  return undefined;
}

/** Approvals this poll returned that no earlier poll did. */
export function newlyAppeared(
  seen: Readonly<Record<string, true>>,
  approvals: readonly PendingApproval[],
): PendingApproval[] {
  return approvals.filter((approval) => !seen[approval.id]);
}

/**
 * What the list shows: the backend's pending approvals minus those this
 * session just decided (a poll that started before the decision still lists them).
 */
export function withoutDecided(
  approvals: readonly PendingApproval[],
  decisions: Readonly<Record<string, DecisionState>>,
): PendingApproval[] {
  return approvals.filter((approval) => decisions[approval.id]?.status !== 'decided');
}

export interface TimeLeft {
  ms: number;
  label: string;
  /** Under five minutes: shown in the warning colour. */
  urgent: boolean;
  expired: boolean;
}

/** The countdown to an approval's deadline. */
export function approvalTimeLeft(expiresAt: string, now: number): TimeLeft {
  const ms = Date.parse(expiresAt) - now;
  if (!Number.isFinite(ms)) return { ms: 0, label: '—', urgent: false, expired: false };
  if (ms <= 0) return { ms: 0, label: 'timed out', urgent: true, expired: true };
  const label = ms < 1000 ? '<1s' : formatDuration(Math.floor(ms / 1000) * 1000);
  return { ms, label, urgent: ms < 5 * 60_000, expired: false };
}

/** The native notification for a new approval (fits the shell's limits). */
export function approvalNotification(approval: PendingApproval): NotificationRequest {
  const title = `Approval needed: ${approval.name}`;
  const reasons = approval.reasons.map((reason) => reason.message).join('; ');
  const body = `${reasons || 'the campaign asks for a decision'} (campaign ${approval.campaignId})`;
  return {
    title: title.length > 120 ? `${title.slice(0, 119)}…` : title,
    body: body.length > 500 ? `${body.slice(0, 499)}…` : body,
  };
}

export const createApprovalsSlice: SliceCreator<ApprovalsSlice> = (set, get) => ({
  approvalDecisions: {},
  approvalNames: {},
  seenApprovalIds: {},
  approverName: '',

  noteApprovals(approvals) {
    const appeared = newlyAppeared(get().seenApprovalIds, approvals);
    if (appeared.length === 0) return appeared;
    set((state) => ({
      seenApprovalIds: {
        ...state.seenApprovalIds,
        ...Object.fromEntries(appeared.map((approval) => [approval.id, true as const])),
      },
      approvalNames: {
        ...state.approvalNames,
        ...Object.fromEntries(
          appeared.map((approval) => [
            approval.id,
            { name: approval.name, campaignId: approval.campaignId },
          ]),
        ),
      },
    }));
    return appeared;
  },

  recordDecision(id, decision, by) {
    set((state) => ({
      approvalDecisions: { ...state.approvalDecisions, [id]: decision },
      approverName: by || state.approverName,
    }));
  },
});

/** The approval to show first: the one that times out soonest. */
export const mostUrgentApproval = (approvals: readonly PendingApproval[]) =>
  approvals.reduce<PendingApproval | undefined>(
    (urgent, approval) => (!urgent || approval.expiresAt < urgent.expiresAt ? approval : urgent),
    undefined,
  );
