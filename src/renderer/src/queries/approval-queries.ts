import {
  mutationOptions,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { useCallback } from 'react';
import { z } from 'zod';
import { ApprovalOutcome, PendingApproval } from '../../../shared/approval';
import { describeBackendError, type SpectraBackend } from '../backend/spectra-backend';
import { useAppStore } from '../store/app-store';
import {
  checkDecisionDraft,
  withoutDecided,
  type ApprovalsSlice,
  type DecisionDraft,
} from '../store/approvals-slice';
import { useBackend } from './backend-context';
import { parseBackend } from './parse-backend';

export const APPROVALS_POLL_MS = 2000;
/** Hidden pages poll less often, but often enough that a desktop notification is timely. */
export const APPROVALS_HIDDEN_POLL_MS = 10_000;

export const approvalKeys = {
  list: () => ['approvals', 'list'] as const,
};

/** Pending approvals; polled even while the page is hidden (desktop notifications). */
export function approvalListQuery(backend: SpectraBackend, isHidden: () => boolean) {
  return queryOptions({
    queryKey: approvalKeys.list(),
    queryFn: async () =>
      parseBackend(z.array(PendingApproval), await backend.listApprovals(), 'approval list'),
    refetchInterval: () => (isHidden() ? APPROVALS_HIDDEN_POLL_MS : APPROVALS_POLL_MS),
    refetchIntervalInBackground: true,
  });
}

const documentHidden = () =>
  typeof document !== 'undefined' && document.visibilityState === 'hidden';

/** The raw polled list (for notifications) */
export function useApprovalList() {
  return useQuery(approvalListQuery(useBackend(), documentHidden));
}

/**
 * What the screens show: the backend's pending approvals minus those this
 * session just decided (a poll that started before the decision still lists them).
 */
export function usePendingApprovals() {
  const decisions = useAppStore((state) => state.approvalDecisions);
  const select = useCallback(
    (approvals: PendingApproval[]) => withoutDecided(approvals, decisions),
    [decisions],
  );
  return useQuery({ ...approvalListQuery(useBackend(), documentHidden), select });
}

/**
 * Records a decision. A refused one (already decided, timed out, unknown) is
 * kept with the server's words in the session's decisions.
 */
export function useDecideApproval(id: string) {
  const recordDecision = useAppStore((state) => state.recordDecision);
  return useMutation(decideApprovalMutation(useBackend(), useQueryClient(), recordDecision, id));
}

export function decideApprovalMutation(
  backend: SpectraBackend,
  client: QueryClient,
  recordDecision: ApprovalsSlice['recordDecision'],
  id: string,
) {
  return mutationOptions({
    mutationKey: ['approvals', id, 'decide'],
    mutationFn: async (draft: DecisionDraft) => {
      const refusal = checkDecisionDraft(draft);
      if (refusal) throw new Error(refusal);
      const note = draft.note.trim();
      const by = draft.by.trim();
      return parseBackend(
        ApprovalOutcome,
        await backend.decideApproval({
          id,
          verdict: draft.verdict,
          ...(note ? { note } : {}),
          ...(by ? { by } : {}),
        }),
        'approval outcome',
      );
    },
    onMutate: (draft) => recordDecision(id, { status: 'deciding', verdict: draft.verdict }),
    onSuccess: (outcome, draft) => {
      recordDecision(id, { status: 'decided', outcome }, draft.by.trim());
      client.setQueryData(approvalKeys.list(), (approvals: PendingApproval[] | undefined) =>
        approvals?.filter((approval) => approval.id !== id),
      );
      // The campaign leaves (or ends) its wait: its page shows that at once.
      void client.invalidateQueries({ queryKey: ['campaigns'] });
    },
    onError: (error, draft) =>
      recordDecision(id, {
        status: 'error',
        verdict: draft.verdict,
        error: describeBackendError(error),
      }),
  });
}
