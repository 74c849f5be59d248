import { describe, expect, it } from 'vitest';
import type { OperationsSnapshot } from '../../../shared/operations';
import { createAppStore } from './app-store';
import { fakeBackend } from './test-backend';

const snapshot: OperationsSnapshot = {
  collectedAt: '2026-01-01T00:00:00.000Z',
  serverState: 'ready',
  queryable: true,
  totals: { invocations: 3, completed: 2, failed: 1, inFlight: 1, retries: 4, failureRate: 0.5 },
  handlers: [],
  statuses: [{ status: 'completed', count: 2 }],
  retrying: [],
  journal: { entries: 10, bytes: 2048 },
  state: [],
};

describe('operations slice', () => {
  it('stores a validated snapshot', async () => {
    const store = createAppStore(fakeBackend({ operations: async () => snapshot }));
    await store.getState().loadOperations();
    expect(store.getState().operations).toMatchObject({ status: 'ready', value: snapshot });
  });

  it('refuses a snapshot of the wrong shape', async () => {
    const store = createAppStore(
      fakeBackend({ operations: async () => ({ ...snapshot, serverState: 'on fire' }) }),
    );
    await expect(store.getState().loadOperations()).rejects.toThrow(/operations snapshot/);
    expect(store.getState().operations.value).toBeNull();
  });
});
