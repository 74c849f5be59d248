import {
  EMPTY_CAMPAIGN_FORM,
  type CampaignFormValues,
} from '../features/campaigns/campaign-form-model';
import type { SliceCreator } from './app-store';

/** The new-campaign form as typed: kept when the analyst leaves the form and comes back. */
export interface CampaignDraftSlice {
  campaignDraft: CampaignFormValues;
  setCampaignDraft(patch: Partial<CampaignFormValues>): void;
}

export const createCampaignDraftSlice: SliceCreator<CampaignDraftSlice> = (set) => ({
  campaignDraft: EMPTY_CAMPAIGN_FORM,
  setCampaignDraft(patch) {
    set((state) => ({ campaignDraft: { ...state.campaignDraft, ...patch } }));
  },
});

/**
 * The last filters of each list screen (the URL holds the current ones):
 * coming back through the navigation restores them.
 */
export interface RememberedFiltersSlice {
  rememberedFilters: Record<string, string>;
  rememberFilters(screen: string, search: string): void;
}

export const createRememberedFiltersSlice: SliceCreator<RememberedFiltersSlice> = (set) => ({
  rememberedFilters: {},
  rememberFilters(screen, search) {
    set((state) => ({ rememberedFilters: { ...state.rememberedFilters, [screen]: search } }));
  },
});
