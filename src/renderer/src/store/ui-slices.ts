import { DEFAULT_THREAT_QUERY, type ThreatQuery } from '../features/threats/threat-table-model';
import {
  EMPTY_CAMPAIGN_FORM,
  type CampaignFormValues,
} from '../features/campaigns/campaign-form-model';
import type { SliceCreator } from './app-store';

/** The Threats table's filters and sort (mirrored in the URL by the page). */
export interface ThreatFilterSlice {
  threatQuery: ThreatQuery;
  setThreatQuery(patch: Partial<ThreatQuery>): void;
}

export const createThreatFilterSlice: SliceCreator<ThreatFilterSlice> = (set) => ({
  threatQuery: DEFAULT_THREAT_QUERY,
  setThreatQuery(patch) {
    set((state) => ({ threatQuery: { ...state.threatQuery, ...patch } }));
  },
});

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
