import * as restate from '@restatedev/restate-sdk';
import { readStateEntries } from '../state-entries.js';
import { CampaignListing } from '../../shared/campaign.js';

const ENTRY_PREFIX = 'campaign:';

/**
 * Every campaign ever submitted, so the app and the CLI can list them and find
 * any report months later: object state does not expire with workflow retention.
 */
export const campaignIndexObject = restate.object({
  name: 'CampaignIndex',
  handlers: {
    upsert: restate.handlers.object.exclusive(
      {
        input: restate.serde.schema(CampaignListing),
        ingressPrivate: true,
        // Writes one entry: the call need not carry every listing (lazy state).
        enableLazyState: true,
      },
      async (context: restate.ObjectContext, listing: CampaignListing) => {
        context.set(ENTRY_PREFIX + listing.campaignId, listing);
      },
    ),

    /** Newest first. */
    list: restate.handlers.object.shared(
      async (context: restate.ObjectSharedContext): Promise<CampaignListing[]> => {
        const listings = await readStateEntries<CampaignListing>(context, ENTRY_PREFIX);
        return listings.sort((left, right) => right.createdAt.localeCompare(left.createdAt));
      },
    ),
  },
});
export type CampaignIndexObject = typeof campaignIndexObject;
