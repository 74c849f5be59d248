import { describe, expect, it, vi } from 'vitest';
import {
  emptySeverityCounts,
  type CampaignListing,
  type CampaignProgress,
} from '../../../shared/campaign';
import { createAppStore } from './app-store';
import { fakeBackend } from './test-backend';

const listing: CampaignListing = {
  campaignId: 'c-1',
  name: 'lab',
  scope: '127.10.0.0/24',
  state: 'scanning',
  createdAt: '2026-01-01T00:00:00.000Z',
  totals: {
    targets: 30,
    targetsDone: 8,
    hostsUp: 8,
    openPorts: 3,
    findings: emptySeverityCounts(),
  },
};

const progress: CampaignProgress = {
  campaignId: 'c-1',
  name: 'lab',
  state: 'scanning',
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:01.000Z',
  totals: listing.totals,
  batchSize: 8,
  batches: [
    {
      index: 0,
      state: 'done',
      targets: 8,
      hostsUp: 8,
      openPorts: 3,
      findings: emptySeverityCounts(),
    },
  ],
};

describe('campaigns slice', () => {
  it('stores a validated campaign list', async () => {
    const store = createAppStore(fakeBackend({ listCampaigns: async () => [listing] }));
    await store.getState().loadCampaigns();
    expect(store.getState().campaignList).toMatchObject({ status: 'ready', value: [listing] });
  });

  it('keeps malformed backend data out of the store', async () => {
    const store = createAppStore(
      fakeBackend({ listCampaigns: async () => [{ ...listing, state: 'exploded' }] }),
    );
    await store.getState().loadCampaigns();
    const { campaignList } = store.getState();
    expect(campaignList.status).toBe('error');
    expect(campaignList.value).toEqual([]);
    expect(campaignList.error).toMatch(/unexpected campaign list at 0\.state/);
  });

  it('keeps the same progress object when a poll brings nothing new', async () => {
    const store = createAppStore(
      fakeBackend({ campaignProgress: async () => structuredClone(progress) }),
    );
    await store.getState().refreshProgress('c-1');
    const first = store.getState().campaignProgress['c-1'];
    await store.getState().refreshProgress('c-1');
    expect(store.getState().campaignProgress['c-1']).toBe(first);
  });

  it('submits once per key even when clicked twice', async () => {
    let resolve: (value: unknown) => void = () => {};
    const submitCampaign = vi.fn(() => new Promise<unknown>((done) => (resolve = done)));
    const store = createAppStore(fakeBackend({ submitCampaign }));
    const request = { name: 'lab', targets: '127.10.0.1', ports: '22', scope: '127.10.0.0/24' };
    const first = store.getState().submitCampaign(request, 'key-1');
    const second = store.getState().submitCampaign(request, 'key-1');
    resolve({ campaignId: 'c-1', hostCount: 1, portCount: 1, batchCount: 1 });
    expect(await first).toEqual({ campaignId: 'c-1', hostCount: 1, portCount: 1, batchCount: 1 });
    expect(await second).toBeUndefined();
    expect(submitCampaign).toHaveBeenCalledTimes(1);
    expect(submitCampaign).toHaveBeenCalledWith(request, 'key-1');
  });

  it('reports a refused submission with the server message', async () => {
    const store = createAppStore(
      fakeBackend({ submitCampaign: () => Promise.reject(new Error('targets: outside scope')) }),
    );
    await store
      .getState()
      .submitCampaign({ name: 'x', targets: '1.2.3.4', ports: '22', scope: '10.0.0.0/8' }, 'k');
    expect(store.getState().submission).toEqual({
      status: 'error',
      error: 'targets: outside scope',
    });
  });

  it('records whether a cancel was accepted', async () => {
    const store = createAppStore(
      fakeBackend({ cancelCampaign: async () => ({ accepted: false }) }),
    );
    await store.getState().cancelCampaign('c-1', 'stop');
    expect(store.getState().cancellations['c-1']).toBe('refused');
  });

  it('starts every store empty (no state leaks between tests)', () => {
    const store = createAppStore(fakeBackend());
    expect(store.getState().campaignList.value).toEqual([]);
    expect(store.getState().approvals).toEqual([]);
  });
});
