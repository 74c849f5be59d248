import type { SliceCreator } from './app-store';

/**
 * A risky step waiting for the analyst (e.g. a campaign reaching a sensitive
 * network). Filled in by the approvals feature; until it lands the list stays
 * empty and nothing here calls the backend.
 */
export interface PendingApproval {
  id: string;
  campaignId: string;
  title: string;
  detail?: string;
  requestedAt: string;
  /** When the request times out (and is rejected) unless decided. */
  expiresAt: string;
}

export type ApprovalDecision = 'approve' | 'reject';

/** How a decision reaches the backend; supplied by the approvals feature. */
export type ApprovalDecider = (
  id: string,
  decision: ApprovalDecision,
  note: string,
) => Promise<void>;

export interface ApprovalsSlice {
  approvals: PendingApproval[];
  approvalDecider: ApprovalDecider | undefined;
  setApprovals(approvals: PendingApproval[]): void;
  /** Wires the backend in; the banner's buttons stay disabled until it is. */
  setApprovalDecider(decider: ApprovalDecider | undefined): void;
  decideApproval(id: string, decision: ApprovalDecision, note: string): Promise<void>;
}

export const createApprovalsSlice = (): SliceCreator<ApprovalsSlice> => (set, get) => ({
  approvals: [],
  approvalDecider: undefined,
  setApprovals(approvals) {
    set({ approvals });
  },
  setApprovalDecider(approvalDecider) {
    set({ approvalDecider });
  },
  async decideApproval(id, decision, note) {
    const decider = get().approvalDecider;
    if (!decider) throw new Error('approvals are not connected to the backend yet');
    await decider(id, decision, note);
    set((state) => ({ approvals: state.approvals.filter((approval) => approval.id !== id) }));
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
