import {
  FINISHED_CAMPAIGN_STATES,
  type CampaignListing,
  type CampaignProgress,
} from './campaign.js';

/** Whether the index's row may be behind: the campaign has not finished yet. */
export function isRunningListing(listing: Pick<CampaignListing, 'state' | 'finishedAt'>): boolean {
  return listing.finishedAt === undefined && !FINISHED_CAMPAIGN_STATES.includes(listing.state);
}

/**
 * A listing with the live state and totals of its running workflow: the index
 * is written when a campaign starts and ends, the workflow's progress as it goes.
 */
export function withLiveProgress(
  listing: CampaignListing,
  progress: Pick<CampaignProgress, 'state' | 'totals' | 'finishedAt'> | null | undefined,
): CampaignListing {
  if (!progress) return listing;
  return {
    ...listing,
    state: progress.state,
    totals: progress.totals,
    ...(progress.finishedAt ? { finishedAt: progress.finishedAt } : {}),
  };
}

export type CampaignSortColumn = 'created' | 'name' | 'state' | 'findings';

export interface CampaignListQuery {
  text: string;
  /** `running`, `finished`, or one campaign state; empty: every campaign. */
  state: string;
  sort: CampaignSortColumn;
}

const SEVERITY_WEIGHT = { critical: 1e9, high: 1e6, medium: 1e3, low: 1, none: 0 } as const;

function findingsWeight(listing: CampaignListing): number {
  return Object.entries(listing.totals.findings).reduce(
    (sum, [severity, count]) =>
      sum + (SEVERITY_WEIGHT[severity as keyof typeof SEVERITY_WEIGHT] ?? 0) * (count ?? 0),
    0,
  );
}

/** The campaigns a list shows: filtered by text and state, sorted (newest first by default). */
export function filterAndSortCampaigns(
  listings: readonly CampaignListing[],
  query: CampaignListQuery,
): CampaignListing[] {
  const needle = query.text.trim().toLowerCase();
  const kept = listings.filter((listing) => {
    if (query.state === 'running' && !isRunningListing(listing)) return false;
    if (query.state === 'finished' && isRunningListing(listing)) return false;
    if (
      query.state &&
      query.state !== 'running' &&
      query.state !== 'finished' &&
      listing.state !== query.state
    )
      return false;
    if (!needle) return true;
    return [listing.name, listing.campaignId, listing.scope].some((field) =>
      field.toLowerCase().includes(needle),
    );
  });
  const byCreated = (left: CampaignListing, right: CampaignListing) =>
    right.createdAt.localeCompare(left.createdAt);
  const order: Record<
    CampaignSortColumn,
    (left: CampaignListing, right: CampaignListing) => number
  > = {
    created: byCreated,
    name: (left, right) => left.name.localeCompare(right.name) || byCreated(left, right),
    state: (left, right) => left.state.localeCompare(right.state) || byCreated(left, right),
    findings: (left, right) =>
      findingsWeight(right) - findingsWeight(left) || byCreated(left, right),
  };
  return kept.sort(order[query.sort] ?? byCreated);
}
