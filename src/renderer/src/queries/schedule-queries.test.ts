import { describe, expect, it } from 'vitest';
import type { ScheduleEntry } from '../../../shared/schedule';
import { createQueryClient } from './query-client';
import { scheduleListQuery, upsertSchedule } from './schedule-queries';
import { fakeBackend, malformedAnswer } from './test-backend';

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

describe('schedule queries', () => {
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
    const client = createQueryClient();
    const list = await client.fetchQuery(
      scheduleListQuery(
        fakeBackend({ listSchedules: async () => [entry('s-1', '2026-01-01T01:00:00.000Z')] }),
      ),
    );
    expect(list).toHaveLength(1);
  });

  it('keeps a malformed list out', async () => {
    const client = createQueryClient();
    const options = scheduleListQuery(
      fakeBackend({
        listSchedules: async () => malformedAnswer([{ scheduleId: 's-1', cadence: { kind: 'x' } }]),
      }),
    );
    await expect(client.fetchQuery(options)).rejects.toThrow(/unexpected schedule list/);
    expect(client.getQueryData(options.queryKey)).toBeUndefined();
  });

  it('creates a schedule input the services accept', () => {
    expect(input.cadence.intervalMs).toBe(3_600_000);
  });
});
