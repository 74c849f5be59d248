import { describe, expect, it } from 'vitest';
import type { CampaignListing } from '../../../../shared/campaign';
import { previousCampaigns } from './ComparedWith';

const listing = (
  campaignId: string,
  createdAt: string,
  scope = '127.0.0.0/24',
  state: CampaignListing['state'] = 'completed',
): CampaignListing => ({
  campaignId,
  name: campaignId,
  scope,
  state,
  createdAt,
  totals: {
    targets: 1,
    targetsDone: 1,
    hostsUp: 1,
    openPorts: 1,
    findings: { critical: 0, high: 0, medium: 0, low: 0, none: 0 },
  },
});

describe('previousCampaigns', () => {
  it('lists earlier completed campaigns of the same scope, newest first', () => {
    const listings = [
      listing('now', '2026-11-30'),
      listing('last-week', '2026-11-23'),
      listing('two-weeks', '2026-11-16'),
      listing('other-scope', '2026-11-29', '10.0.0.0/8'),
      listing('failed', '2026-11-28', '127.0.0.0/24', 'failed'),
      listing('later', '2026-12-01'),
    ];
    expect(previousCampaigns(listings, 'now').map((entry) => entry.campaignId)).toEqual([
      'last-week',
      'two-weeks',
    ]);
    expect(previousCampaigns(listings, 'unknown')).toEqual([]);
  });
});
