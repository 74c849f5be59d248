import { describe, expect, it } from 'vitest';
import type { CampaignListing } from './campaign.js';
import {
  filterAndSortCampaigns,
  isRunningListing,
  withLiveProgress,
} from './campaign-listing-view.js';

const totals = (done: number, critical = 0) => ({
  targets: 30,
  targetsDone: done,
  hostsUp: done,
  openPorts: done,
  findings: { critical, high: 0, medium: 0, low: 0, none: 0 },
});

const listing = (id: string, patch: Partial<CampaignListing> = {}): CampaignListing => ({
  campaignId: id,
  name: `sweep ${id}`,
  scope: '127.10.0.0/24',
  state: 'completed',
  createdAt: `2026-01-0${id.slice(-1)}T00:00:00.000Z`,
  finishedAt: '2026-01-09T00:00:00.000Z',
  totals: totals(30),
  ...patch,
});

describe('campaign list view', () => {
  it('shows a running campaign with its live totals, not the zeros the index holds', () => {
    const running = listing('c-1', { state: 'scanning', finishedAt: undefined, totals: totals(0) });
    expect(isRunningListing(running)).toBe(true);
    const live = withLiveProgress(running, { state: 'scanning', totals: totals(12, 1) });
    expect(live.totals.targetsDone).toBe(12);
    expect(live.totals.findings.critical).toBe(1);
    expect(withLiveProgress(running, null)).toBe(running);
    expect(isRunningListing(listing('c-2'))).toBe(false);
  });

  it('filters by text and state, and sorts', () => {
    const rows = [
      listing('c-1', { totals: totals(30, 2) }),
      listing('c-2', { name: 'alpha', state: 'failed' }),
      listing('c-3', { state: 'scanning', finishedAt: undefined }),
    ];
    const ids = (query: Parameters<typeof filterAndSortCampaigns>[1]) =>
      filterAndSortCampaigns(rows, query).map((row) => row.campaignId);
    expect(ids({ text: '', state: '', sort: 'created' })).toEqual(['c-3', 'c-2', 'c-1']);
    expect(ids({ text: '', state: 'running', sort: 'created' })).toEqual(['c-3']);
    expect(ids({ text: '', state: 'finished', sort: 'name' })).toEqual(['c-2', 'c-1']);
    expect(ids({ text: '', state: 'failed', sort: 'created' })).toEqual(['c-2']);
    expect(ids({ text: 'ALPHA', state: '', sort: 'created' })).toEqual(['c-2']);
    expect(ids({ text: '', state: '', sort: 'findings' })[0]).toBe('c-1');
  });
});
