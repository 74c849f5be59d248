import { z } from 'zod';
import { ApprovalOutcome, PendingApproval, type ApprovalVerdict } from '../../../shared/approval';
import type { NotificationRequest } from '../../../shared/shell-contract';
import type { SpectraBackend } from '../backend/spectra-backend';
import { formatDuration } from '../lib/format';
import type { SliceCreator } from './app-store';
import type { LoadStatus } from './load-state';
import { errorMessage, parseBackend } from './parse-backend';

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

export interface ApprovalsSlice {
  /** Pending approvals, the one expiring first first (validated, never raw backend data). */
  approvals: PendingApproval[];
  approvalsStatus: { status: LoadStatus; error?: string; loadedAt?: number };
  approvalDecisions: Record<string, DecisionState>;
  /** Campaign names by approval id, so a decided approval can still be named. */
  approvalNames: Record<string, { name: string; campaignId: string }>;
  /** Every approval id a poll has returned: notifications are raised once per id. */
  seenApprovalIds: Record<string, true>;
  /** The "by" name last used, offered again for the next decision. */
  approverName: string;
  setApprovals(approvals: PendingApproval[]): void;
  /** Polls `Approvals.list()`; returns the approvals that appeared for the first time. */
  loadApprovals(): Promise<PendingApproval[]>;
  /**
   * Records a decision. A refused one (already decided, timed out, unknown)
   * is kept with the server's words; returns the outcome when accepted.
   */
  decideApproval(id: string, draft: DecisionDraft): Promise<ApprovalOutcome | undefined>;
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

/** Whether two lists hold the same approvals in the same order (to skip a re-render). */
export function sameApprovals(
  left: readonly PendingApproval[],
  right: readonly PendingApproval[],
): boolean {
  return (
    left.length === right.length &&
    left.every(
      (approval, index) =>
        approval.id === right[index]?.id && approval.expiresAt === right[index]?.expiresAt,
    )
  );
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

export const createApprovalsSlice =
  (backend: SpectraBackend): SliceCreator<ApprovalsSlice> =>
  (set, get) => ({
    approvals: [],
    approvalsStatus: { status: 'idle' },
    approvalDecisions: {},
    approvalNames: {},
    seenApprovalIds: {},
    approverName: '',

    setApprovals(approvals) {
      set({ approvals });
    },

    async loadApprovals() {
      try {
        const listed = parseBackend(
          z.array(PendingApproval),
          await backend.listApprovals(),
          'approval list',
        );
        const state = get();
        const appeared = newlyAppeared(state.seenApprovalIds, listed);
        const approvals = withoutDecided(listed, state.approvalDecisions);
        set({
          approvals: sameApprovals(state.approvals, approvals) ? state.approvals : approvals,
          approvalsStatus: { status: 'ready', loadedAt: Date.now() },
          ...(appeared.length > 0
            ? {
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
              }
            : {}),
        });
        return appeared;
      } catch (error) {
        set((state) => ({
          approvalsStatus: {
            ...state.approvalsStatus,
            status: 'error',
            error: errorMessage(error),
          },
        }));
        throw error;
      }
    },

    async decideApproval(id, draft) {
      const refusal = checkDecisionDraft(draft);
      const setDecision = (decision: DecisionState) =>
        set((state) => ({ approvalDecisions: { ...state.approvalDecisions, [id]: decision } }));
      if (refusal) {
        setDecision({ status: 'error', verdict: draft.verdict, error: refusal });
        return undefined;
      }
      if (get().approvalDecisions[id]?.status === 'deciding') return undefined;
      setDecision({ status: 'deciding', verdict: draft.verdict });
      const note = draft.note.trim();
      const by = draft.by.trim();
      try {
        const outcome = parseBackend(
          ApprovalOutcome,
          await backend.decideApproval({
            id,
            verdict: draft.verdict,
            ...(note ? { note } : {}),
            ...(by ? { by } : {}),
          }),
          'approval outcome',
        );
        set((state) => ({
          approvalDecisions: { ...state.approvalDecisions, [id]: { status: 'decided', outcome } },
          approvals: state.approvals.filter((approval) => approval.id !== id),
          approverName: by || state.approverName,
        }));
        return outcome;
      } catch (error) {
        setDecision({ status: 'error', verdict: draft.verdict, error: errorMessage(error) });
        return undefined;
      }
    },
  });

export const selectApprovalCount = (state: { approvals: PendingApproval[] }) =>
  state.approvals.length;

/** The approval to show first: the one that times out soonest. */
export const selectMostUrgentApproval = (state: { approvals: PendingApproval[] }) =>
  state.approvals.reduce<PendingApproval | undefined>(
    (urgent, approval) => (!urgent || approval.expiresAt < urgent.expiresAt ? approval : urgent),
    undefined,
  );

/** The pending approval of one campaign, if it has one. */
export const selectCampaignApproval =
  (campaignId: string) => (state: { approvals: PendingApproval[] }) =>
    state.approvals.find((approval) => approval.campaignId === campaignId);
