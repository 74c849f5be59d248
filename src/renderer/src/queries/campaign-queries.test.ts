import { describe, expect, it, vi } from 'vitest';
import type { CampaignProgress } from '../../../shared/campaign';
import {
  campaignListQuery,
  campaignProgressQuery,
  isFinished,
  PROGRESS_POLL_MS,
} from './campaign-queries';
import { createQueryClient, retryDelay, MAX_RETRY_DELAY_MS } from './query-client';
import type { SpectraBackend } from '../backend/spectra-backend';
import { fakeBackend, malformedAnswer } from './test-backend';

/** What TanStack Query hands a `refetchInterval` function: the query, with its state. */
function intervalFor(
  options: ReturnType<typeof campaignProgressQuery>,
  data: Pick<CampaignProgress, 'state'> | null,
): number | false | undefined {
  const interval = options.refetchInterval;
  if (typeof interval !== 'function') return interval;
  return interval({ state: { data } } as Parameters<typeof interval>[0]);
}

describe('campaign queries', () => {
  it('polls progress while a campaign runs and stops once it ends', () => {
    const options = campaignProgressQuery(fakeBackend(), 'c-1');
    expect(intervalFor(options, { state: 'scanning' })).toBe(PROGRESS_POLL_MS);
    expect(intervalFor(options, { state: 'awaiting-approval' })).toBe(PROGRESS_POLL_MS);
    expect(intervalFor(options, null)).toBe(PROGRESS_POLL_MS);
    expect(intervalFor(options, { state: 'completed' })).toBe(false);
    expect(intervalFor(options, { state: 'rejected' })).toBe(false);
    expect(isFinished({ state: 'cancelled' })).toBe(true);
  });

  it('answers null progress for a workflow that has no state', async () => {
    const client = createQueryClient();
    const options = campaignProgressQuery(
      fakeBackend({ campaignProgress: async () => null }),
      'c-x',
    );
    expect(await client.fetchQuery(options)).toBeNull();
  });

  it('keeps malformed lists out of the cache and does not retry them', async () => {
    const listCampaigns = vi.fn<SpectraBackend['listCampaigns']>(async () =>
      malformedAnswer([{ campaignId: 'c-1' }]),
    );
    const client = createQueryClient();
    const options = campaignListQuery(fakeBackend({ listCampaigns }));
    await expect(
      client.fetchQuery({ ...options, retry: client.getDefaultOptions().queries?.retry }),
    ).rejects.toThrow(/unexpected campaign list at 0/);
    expect(listCampaigns).toHaveBeenCalledTimes(1);
    expect(client.getQueryData(options.queryKey)).toBeUndefined();
  });

  it('backs off failed reads, doubling up to a cap', () => {
    expect([0, 1, 2, 3].map(retryDelay)).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelay(20)).toBe(MAX_RETRY_DELAY_MS);
  });
});
