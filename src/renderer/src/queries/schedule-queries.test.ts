import { describe, expect, it, vi } from 'vitest';
import type { ScheduleEntry } from '../../../shared/schedule';
import { createAppStore } from './app-store';
import { upsertSchedule } from './schedules-slice';
import { fakeBackend } from './test-backend';

const entry = (scheduleId: string, nextRunAt?: string): ScheduleEntry => ({
  scheduleId,
  name: 'nightly',
  request: {
    name: 'nightly',
    targets: '127.10.0.1',
    ports: '22',
    scope: '127.10.0.0/24',
    engine: 'builtin',
  },
  cadence: { kind: 'every', intervalMs: 3_600_000 },
  state: nextRunAt ? 'active' : 'finished',
  generation: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  nextRunAt,
  runCount: 0,
  lastRuns: [],
});

const input = {
  request: {
    name: 'nightly',
    targets: '127.10.0.1',
    ports: '22',
    scope: '127.10.0.0/24',
    engine: 'builtin' as const,
  },
  cadence: { kind: 'every' as const, intervalMs: 3_600_000 },
};

describe('schedules slice', () => {
  it('orders schedules next-to-fire first, finished last', () => {
    const list = upsertSchedule(
      [entry('s-b', '2026-01-02T00:00:00.000Z'), entry('s-done')],
      entry('s-a', '2026-01-01T12:00:00.000Z'),
    );
    expect(list.map((item) => item.scheduleId)).toEqual(['s-a', 's-b', 's-done']);
    expect(upsertSchedule(list, entry('s-a', '2026-01-03T00:00:00.000Z')).at(-2)?.scheduleId).toBe(
      's-a',
    );
  });

  it('loads a validated list', async () => {
    const store = createAppStore(
      fakeBackend({ listSchedules: async () => [entry('s-1', '2026-01-01T01:00:00.000Z')] }),
    );
    await store.getState().loadSchedules();
    expect(store.getState().scheduleList).toMatchObject({ status: 'ready' });
    expect(store.getState().scheduleList.value).toHaveLength(1);
  });

  it('keeps a malformed list out', async () => {
    const store = createAppStore(
      fakeBackend({ listSchedules: async () => [{ scheduleId: 's-1', cadence: { kind: 'x' } }] }),
    );
    await store.getState().loadSchedules();
    expect(store.getState().scheduleList.status).toBe('error');
    expect(store.getState().scheduleList.value).toEqual([]);
  });

  it('creates once per key even when clicked twice, and lists the new schedule', async () => {
    let resolve: (value: unknown) => void = () => {};
    const createSchedule = vi.fn(() => new Promise<unknown>((done) => (resolve = done)));
    const store = createAppStore(fakeBackend({ createSchedule }));
    const first = store.getState().createSchedule(input, 'key-1');
    const second = store.getState().createSchedule(input, 'key-1');
    resolve(entry('s-1', '2026-01-01T01:00:00.000Z'));
    expect((await first)?.scheduleId).toBe('s-1');
    expect(await second).toBeUndefined();
    expect(createSchedule).toHaveBeenCalledTimes(1);
    expect(createSchedule).toHaveBeenCalledWith(input, 'key-1');
    expect(store.getState().scheduleList.value.map((item) => item.scheduleId)).toEqual(['s-1']);
  });

  it('reports a refused schedule with the server message', async () => {
    const store = createAppStore(
      fakeBackend({ createSchedule: () => Promise.reject(new Error('targets: outside scope')) }),
    );
    await store.getState().createSchedule(input, 'k');
    expect(store.getState().scheduleCreation).toEqual({
      status: 'error',
      error: 'targets: outside scope',
    });
  });

  it('removes a schedule from the list, or keeps it with the error', async () => {
    const removeSchedule = vi.fn(async () => ({ removed: true }));
    const store = createAppStore(
      fakeBackend({
        listSchedules: async () => [entry('s-1', '2026-01-01T01:00:00.000Z')],
        removeSchedule,
      }),
    );
    await store.getState().loadSchedules();
    expect(await store.getState().removeSchedule('s-1')).toBe(true);
    expect(removeSchedule).toHaveBeenCalledWith('s-1');
    expect(store.getState().scheduleList.value).toEqual([]);

    const failing = createAppStore(
      fakeBackend({
        listSchedules: async () => [entry('s-1', '2026-01-01T01:00:00.000Z')],
        removeSchedule: () => Promise.reject(new Error('unreachable')),
      }),
    );
    await failing.getState().loadSchedules();
    expect(await failing.getState().removeSchedule('s-1')).toBe(false);
    expect(failing.getState().scheduleRemovals['s-1']).toEqual({
      status: 'error',
      error: 'unreachable',
    });
    expect(failing.getState().scheduleList.value).toHaveLength(1);
  });
});
