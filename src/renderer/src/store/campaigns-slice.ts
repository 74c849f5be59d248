import { z } from 'zod';
import {
  CampaignListing,
  CampaignProgress,
  CampaignReport,
  FINISHED_CAMPAIGN_STATES,
  SubmittedCampaign,
  type CampaignRequest,
} from '../../../shared/campaign';
import type { SpectraBackend } from '../backend/spectra-backend';
import type { SliceCreator } from './app-store';
import { idle, type Loadable } from './load-state';
import { errorMessage, parseBackend } from './parse-backend';

const CancelAnswer = z.object({ accepted: z.boolean() });

export type SubmissionState =
  | { status: 'idle' }
  | { status: 'submitting'; idempotencyKey: string }
  | { status: 'submitted'; campaign: SubmittedCampaign }
  | { status: 'error'; error: string };

export type CancelState = 'idle' | 'cancelling' | 'accepted' | 'refused' | 'error';

export interface CampaignsSlice {
  campaignList: Loadable<CampaignListing[]>;
  /** Keyed by campaign id; `null` value: the workflow has no progress (not started, or expired). */
  campaignProgress: Record<string, Loadable<CampaignProgress | null>>;
  campaignReports: Record<string, Loadable<CampaignReport | null>>;
  submission: SubmissionState;
  cancellations: Record<string, CancelState>;
  loadCampaigns(): Promise<void>;
  /** Polls the workflow's shared `progress` handler; returns what it read. */
  refreshProgress(campaignId: string): Promise<CampaignProgress | null>;
  loadReport(campaignId: string): Promise<CampaignReport | null>;
  /**
   * Submits once per idempotency key: a second call with the same key while
   * the first is in flight is ignored, and the server answers a retried key
   * with the same campaign instead of starting another.
   */
  submitCampaign(
    request: CampaignRequest,
    idempotencyKey: string,
  ): Promise<SubmittedCampaign | undefined>;
  resetSubmission(): void;
  cancelCampaign(campaignId: string, reason: string): Promise<void>;
}

export function isFinished(progress: Pick<CampaignProgress, 'state'> | null | undefined): boolean {
  return !!progress && FINISHED_CAMPAIGN_STATES.includes(progress.state);
}

export const createCampaignsSlice =
  (backend: SpectraBackend): SliceCreator<CampaignsSlice> =>
  (set, get) => ({
    campaignList: idle([]),
    campaignProgress: {},
    campaignReports: {},
    submission: { status: 'idle' },
    cancellations: {},

    async loadCampaigns() {
      set((state) => ({ campaignList: { ...state.campaignList, status: 'loading' } }));
      try {
        const value = parseBackend(
          z.array(CampaignListing),
          await backend.listCampaigns(),
          'campaign list',
        );
        set({ campaignList: { status: 'ready', value, loadedAt: Date.now() } });
      } catch (error) {
        set((state) => ({
          campaignList: { ...state.campaignList, status: 'error', error: errorMessage(error) },
        }));
      }
    },

    async refreshProgress(campaignId) {
      try {
        const value = parseBackend(
          CampaignProgress.nullable(),
          await backend.campaignProgress(campaignId),
          'campaign progress',
        );
        const previous = get().campaignProgress[campaignId];
        // An unchanged answer keeps the old object, so nothing re-renders for it.
        const unchanged =
          previous?.status === 'ready' &&
          previous.value?.updatedAt === value?.updatedAt &&
          previous.value?.state === value?.state &&
          (previous.value === null) === (value === null);
        if (!unchanged) {
          set((state) => ({
            campaignProgress: {
              ...state.campaignProgress,
              [campaignId]: { status: 'ready', value, loadedAt: Date.now() },
            },
          }));
        }
        return value;
      } catch (error) {
        set((state) => ({
          campaignProgress: {
            ...state.campaignProgress,
            [campaignId]: {
              value: state.campaignProgress[campaignId]?.value ?? null,
              status: 'error',
              error: errorMessage(error),
            },
          },
        }));
        throw error;
      }
    },

    async loadReport(campaignId) {
      try {
        const value = parseBackend(
          CampaignReport.nullable(),
          await backend.campaignReport(campaignId),
          'campaign report',
        );
        set((state) => ({
          campaignReports: {
            ...state.campaignReports,
            [campaignId]: { status: 'ready', value, loadedAt: Date.now() },
          },
        }));
        return value;
      } catch (error) {
        set((state) => ({
          campaignReports: {
            ...state.campaignReports,
            [campaignId]: {
              value: state.campaignReports[campaignId]?.value ?? null,
              status: 'error',
              error: errorMessage(error),
            },
          },
        }));
        throw error;
      }
    },

    async submitCampaign(request, idempotencyKey) {
      const current = get().submission;
      if (current.status === 'submitting') return undefined;
      set({ submission: { status: 'submitting', idempotencyKey } });
      try {
        const campaign = parseBackend(
          SubmittedCampaign,
          await backend.submitCampaign(request, idempotencyKey),
          'submission answer',
        );
        set({ submission: { status: 'submitted', campaign } });
        return campaign;
      } catch (error) {
        set({ submission: { status: 'error', error: errorMessage(error) } });
        return undefined;
      }
    },

    resetSubmission() {
      set({ submission: { status: 'idle' } });
    },

    async cancelCampaign(campaignId, reason) {
      set((state) => ({ cancellations: { ...state.cancellations, [campaignId]: 'cancelling' } }));
      let outcome: CancelState;
      try {
        const answer = parseBackend(
          CancelAnswer,
          await backend.cancelCampaign(campaignId, reason),
          'cancel answer',
        );
        outcome = answer.accepted ? 'accepted' : 'refused';
      } catch {
        outcome = 'error';
      }
      set((state) => ({ cancellations: { ...state.cancellations, [campaignId]: outcome } }));
    },
  });
