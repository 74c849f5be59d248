import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  CampaignListing,
  CampaignProgress,
  CampaignReport,
  FINISHED_CAMPAIGN_STATES,
  SubmittedCampaign,
  type CampaignRequest,
} from '../../../shared/campaign';
import { EngineAvailability } from '../../../shared/diagnostics';
import type { SpectraBackend } from '../backend/spectra-backend';
import { useBackend } from './backend-context';
import { parseBackend } from './parse-backend';

const CancelAnswer = z.object({ accepted: z.boolean() });

export const LIST_POLL_MS = 3000;
export const PROGRESS_POLL_MS = 1000;
/** The report (hosts, audit) is heavier to assemble: refreshed less often while running. */
export const REPORT_POLL_MS = 4000;

export const campaignKeys = {
  all: ['campaigns'] as const,
  list: () => [...campaignKeys.all, 'list'] as const,
  progress: (campaignId: string) => [...campaignKeys.all, campaignId, 'progress'] as const,
  report: (campaignId: string) => [...campaignKeys.all, campaignId, 'report'] as const,
};

export function isFinished(progress: Pick<CampaignProgress, 'state'> | null | undefined): boolean {
  return !!progress && FINISHED_CAMPAIGN_STATES.includes(progress.state);
}

export function campaignListQuery(backend: SpectraBackend) {
  return queryOptions({
    queryKey: campaignKeys.list(),
    queryFn: async () =>
      parseBackend(z.array(CampaignListing), await backend.listCampaigns(), 'campaign list'),
    refetchInterval: LIST_POLL_MS,
  });
}

/**
 * The workflow's shared `progress` handler, polled until the campaign ends.
 * `null`: the workflow has no state (not started yet, unknown id, or past retention).
 */
export function campaignProgressQuery(backend: SpectraBackend, campaignId: string) {
  return queryOptions({
    queryKey: campaignKeys.progress(campaignId),
    queryFn: async () =>
      parseBackend(
        CampaignProgress.nullable(),
        await backend.campaignProgress(campaignId),
        'campaign progress',
      ),
    refetchInterval: (query) => (isFinished(query.state.data) ? false : PROGRESS_POLL_MS),
  });
}

/** The stored report; polled while the campaign runs, then read once more and left alone. */
export function campaignReportQuery(backend: SpectraBackend, campaignId: string) {
  return queryOptions({
    queryKey: campaignKeys.report(campaignId),
    queryFn: async () =>
      parseBackend(
        CampaignReport.nullable(),
        await backend.campaignReport(campaignId),
        'campaign report',
      ),
    refetchInterval: (query) => (isFinished(query.state.data) ? false : REPORT_POLL_MS),
  });
}

export function useCampaignList() {
  return useQuery(campaignListQuery(useBackend()));
}

export function useCampaignProgress(campaignId: string) {
  return useQuery(campaignProgressQuery(useBackend(), campaignId));
}

export function useCampaignReport(campaignId: string) {
  return useQuery(campaignReportQuery(useBackend(), campaignId));
}

export interface SubmitVariables {
  request: CampaignRequest;
  /** A retried key is answered with the same campaign instead of starting another. */
  idempotencyKey: string;
}

export function useSubmitCampaign() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationKey: ['campaigns', 'submit'],
    mutationFn: async ({ request, idempotencyKey }: SubmitVariables) =>
      parseBackend(
        SubmittedCampaign,
        await backend.submitCampaign(request, idempotencyKey),
        'submission answer',
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: campaignKeys.list() }),
  });
}

export function useCancelCampaign(campaignId: string) {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationKey: ['campaigns', campaignId, 'cancel'],
    mutationFn: async (reason: string) =>
      parseBackend(CancelAnswer, await backend.cancelCampaign(campaignId, reason), 'cancel answer'),
    onSuccess: () => client.invalidateQueries({ queryKey: campaignKeys.progress(campaignId) }),
  });
}

/** Which engines the host can run: nmap may be installed or removed while the app runs. */
export function useEngineAvailability() {
  const backend = useBackend();
  return useQuery({
    queryKey: ['engines'],
    queryFn: async () =>
      parseBackend(EngineAvailability, await backend.engines(), 'engine availability'),
    staleTime: 60_000,
  });
}
