import { describe, expect, it } from 'vitest';
import type { ScheduleEntry } from '../../../../shared/schedule';
import { checkScheduleEdit, editValuesOf, scopeText } from './schedule-edit-model';

const NOW = Date.parse('2026-11-01T10:00:00.000Z');
const entry: ScheduleEntry = {
  scheduleId: 's-0123456789ab',
  name: 'nightly',
  request: {
    name: 'nightly',
    targets: '127.10.0.1-5',
    ports: '22,80',
    scope: [{ network: '127.10.0.0/24', sensitive: true }],
    engine: 'builtin',
    batchSize: 4,
  },
  cadence: { kind: 'every', intervalMs: 2 * 3_600_000 },
  state: 'active',
  generation: 1,
  createdAt: '2026-11-01T00:00:00.000Z',
  nextRunAt: '2026-11-01T12:00:00.000Z',
  runCount: 0,
  lastRuns: [],
};

describe('schedule edit form', () => {
  it('opens with the stored request as text and the timing kept', () => {
    expect(editValuesOf(entry)).toEqual({
      name: 'nightly',
      targets: '127.10.0.1-5',
      ports: '22,80',
      scope: '127.10.0.0/24 sensitive',
      when: 'keep',
      at: '',
      every: '2',
    });
    expect(scopeText('127.10.0.0/24')).toBe('127.10.0.0/24');
  });

  it('sends only the cadence when only the timing changed', () => {
    const check = checkScheduleEdit(
      entry,
      { ...editValuesOf(entry), when: 'every-minutes', every: '45' },
      NOW,
    );
    expect(check).toEqual({
      edit: { scheduleId: 's-0123456789ab', cadence: { kind: 'every', intervalMs: 2_700_000 } },
      problems: [],
    });
  });

  it('sends the whole request, other options kept, when a field changed', () => {
    const check = checkScheduleEdit(entry, { ...editValuesOf(entry), ports: '443' }, NOW);
    expect('edit' in check && check.edit.request).toMatchObject({
      ports: '443',
      batchSize: 4,
      engine: 'builtin',
      scope: [{ network: '127.10.0.0/24', sensitive: true }],
    });
    expect('edit' in check && check.edit.cadence).toBeUndefined();
  });

  it('names every problem in one line each, and refuses an empty edit', () => {
    expect(checkScheduleEdit(entry, editValuesOf(entry), NOW).problems).toEqual([
      'nothing changed: edit a field or pick a new "when"',
    ]);
    const check = checkScheduleEdit(
      entry,
      {
        ...editValuesOf(entry),
        name: '',
        targets: '10.0.0.1',
        when: 'every-minutes',
        every: '0',
      },
      NOW,
    );
    expect(check.problems).toContain('when: every N: a whole number from 1 to 527040');
    expect(check.problems).toContain('name: required');
    expect(check.problems.some((problem) => /10\.0\.0\.1.*scope/.test(problem))).toBe(true);
    expect(check.problems.every((problem) => !problem.includes('\n'))).toBe(true);
  });
});
