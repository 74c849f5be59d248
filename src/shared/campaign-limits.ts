import { MAX_BATCH_SIZE, MAX_BATCHES_IN_FLIGHT } from './campaign-tuning';

/**
 * The bounds of a campaign request's numeric and text fields: the zod schema
 * (src/shared/campaign.ts), the campaign form and the CLI flags all read them
 * from here, so the three can never disagree.
 */
export const CAMPAIGN_LIMITS = {
  nameLength: 120,
  batchSize: { min: 1, max: MAX_BATCH_SIZE },
  batchesInFlight: { min: 1, max: MAX_BATCHES_IN_FLIGHT },
  connectTimeoutMs: { min: 50, max: 30_000 },
  ratePerSecond: { min: 1, max: 1_000_000 },
} as const;
