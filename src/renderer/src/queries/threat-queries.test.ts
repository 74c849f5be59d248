import { MutationObserver } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { ThreatRecord, ThreatSummary } from '../../../shared/threat';
import { createQueryClient } from './query-client';
import type { SpectraBackend } from '../backend/spectra-backend';
import { fakeBackend, malformedAnswer } from './test-backend';
import { threatKeys, threatListQuery, threatRecordQuery, triageMutation } from './threat-queries';

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

describe('threat queries', () => {
  it('loads every summary with an empty filter: the renderer filters once, itself', async () => {
    const listThreats = vi.fn(async () => [summary]);
    const client = createQueryClient();
    expect(await client.fetchQuery(threatListQuery(fakeBackend({ listThreats })))).toEqual([
      summary,
    ]);
    expect(listThreats).toHaveBeenCalledWith({});
  });

  it('keeps an unchanged answer as the same object (structural sharing)', async () => {
    const client = createQueryClient();
    const backend = fakeBackend({ threat: async () => structuredClone(record) });
    const options = { ...threatRecordQuery(backend, record.cve), staleTime: 0 };
    await client.fetchQuery(options);
    const first = client.getQueryData(options.queryKey);
    await client.fetchQuery(options);
    const second = client.getQueryData(options.queryKey);
    expect(second).toEqual(record);
    expect(second).toBe(first);
  });

  it('refuses a malformed record without retrying it', async () => {
    const threat = vi.fn<SpectraBackend['threat']>(async () =>
      malformedAnswer({ cve: 'CVE-2000-0001' }),
    );
    const client = createQueryClient();
    await expect(
      client.fetchQuery({
        ...threatRecordQuery(fakeBackend({ threat }), 'CVE-2000-0001'),
        retry: client.getDefaultOptions().queries?.retry,
      }),
    ).rejects.toThrow(/unexpected threat record/);
    expect(threat).toHaveBeenCalledTimes(1);
  });

  it('applies a triage to the record and to its table row', async () => {
    const triageThreat = vi.fn(async () => record);
    const client = createQueryClient();
    client.setQueryData(threatKeys.list(), [summary]);
    const observer = new MutationObserver(
      client,
      triageMutation(fakeBackend({ triageThreat }), client, summary.cve),
    );
    await observer.mutate({ state: 'confirmed', note: 'seen' });
    expect(triageThreat).toHaveBeenCalledWith(summary.cve, { state: 'confirmed', note: 'seen' });
    expect(client.getQueryData<ThreatRecord>(threatKeys.record(summary.cve))?.triage.state).toBe(
      'confirmed',
    );
    expect(client.getQueryData<ThreatSummary[]>(threatKeys.list())?.[0]?.triageState).toBe(
      'confirmed',
    );
  });

  it('shows a refused triage as an error and keeps the record', async () => {
    const client = createQueryClient();
    const observer = new MutationObserver(
      client,
      triageMutation(
        fakeBackend({ triageThreat: () => Promise.reject(new Error('no threat record')) }),
        client,
        'CVE-2000-0001',
      ),
    );
    await expect(observer.mutate({ state: 'remediated' })).rejects.toThrow('no threat record');
    expect(observer.getCurrentResult().status).toBe('error');
    expect(client.getQueryData(threatKeys.record('CVE-2000-0001'))).toBeUndefined();
  });
});
