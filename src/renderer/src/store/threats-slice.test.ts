import { describe, expect, it, vi } from 'vitest';
import type { ThreatRecord, ThreatSummary } from '../../../shared/threat';
import { createAppStore } from './app-store';
import { fakeBackend } from './test-backend';

const summary: ThreatSummary = {
  cve: 'CVE-2021-41773',
  severity: 'high',
  cvssScore: 7.5,
  summary: 'Apache path traversal',
  product: 'apache_httpd',
  affectedHosts: 1,
  affectedServices: 1,
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T00:00:00.000Z',
  triageState: 'new',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const record: ThreatRecord = {
  cve: summary.cve,
  severity: 'high',
  cvssScore: 7.5,
  cvssVector: 'CVSS:3.1/AV:N',
  summary: summary.summary,
  product: summary.product,
  firstSeen: summary.firstSeen,
  lastSeen: summary.lastSeen,
  affected: [],
  triage: {
    state: 'confirmed',
    changedAt: '2026-01-02T00:00:00.000Z',
    history: [
      { at: '2026-01-02T00:00:00.000Z', state: 'confirmed', previousState: 'new', note: 'seen' },
    ],
  },
  notes: [],
  updates: [],
  archivedUpdates: { count: 0 },
  totalSightings: 1,
};

describe('threats slice', () => {
  it('loads every summary with an empty filter', async () => {
    const listThreats = vi.fn(async () => [summary]);
    const store = createAppStore(fakeBackend({ listThreats }));
    await store.getState().loadThreats();
    expect(listThreats).toHaveBeenCalledWith({});
    expect(store.getState().threatList.value).toEqual([summary]);
  });

  it('applies a triage to the record and to its table row', async () => {
    const triageThreat = vi.fn(async () => record);
    const store = createAppStore(fakeBackend({ listThreats: async () => [summary], triageThreat }));
    await store.getState().loadThreats();
    const saved = await store
      .getState()
      .triageThreat(summary.cve, { state: 'confirmed', note: 'seen' });
    expect(saved).toBe(true);
    expect(triageThreat).toHaveBeenCalledWith(summary.cve, { state: 'confirmed', note: 'seen' });
    expect(store.getState().threatRecords[summary.cve]?.value?.triage.state).toBe('confirmed');
    expect(store.getState().threatList.value[0]?.triageState).toBe('confirmed');
  });

  it('shows a refused triage as an error and keeps the record', async () => {
    const store = createAppStore(
      fakeBackend({ triageThreat: () => Promise.reject(new Error('no threat record')) }),
    );
    expect(await store.getState().triageThreat('CVE-2000-0001', { state: 'remediated' })).toBe(
      false,
    );
    expect(store.getState().triageStatus['CVE-2000-0001']).toEqual({
      status: 'error',
      error: 'no threat record',
    });
  });

  it('merges query changes', () => {
    const store = createAppStore(fakeBackend());
    store.getState().setThreatQuery({ text: 'ssh' });
    store.getState().setThreatQuery({ severities: ['critical'] });
    expect(store.getState().threatQuery).toMatchObject({ text: 'ssh', severities: ['critical'] });
  });
});

describe('rematchCampaigns', () => {
  it('reports what the re-match did, or why it failed', async () => {
    const result = { campaigns: 2, services: 5, findings: 3, cves: ['CVE-2018-10933'] };
    const rematchCampaigns = vi.fn(() => Promise.resolve(result));
    const store = createAppStore(fakeBackend({ rematchCampaigns }));
    await store.getState().rematchCampaigns();
    expect(rematchCampaigns).toHaveBeenCalledTimes(1);
    expect(store.getState().rematchStatus).toEqual({ status: 'done', result });

    const failing = createAppStore(
      fakeBackend({ rematchCampaigns: () => Promise.resolve({ campaigns: 'many' }) }),
    );
    await failing.getState().rematchCampaigns();
    expect(failing.getState().rematchStatus.status).toBe('error');
  });
});
