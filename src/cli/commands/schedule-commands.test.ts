import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import type { ParsedCommand } from '../command.js';
import { campaignRequestFrom } from '../campaign-request-flags.js';
import { cadenceFrom, parseInterval, parseTime, scheduleEditFrom } from './schedule-commands.js';
import type { ScheduleEntry } from '../../shared/schedule.js';

function parsed(values: ParsedCommand['values']): ParsedCommand {
  return { values, positionals: [] };
}

describe('schedule flags', () => {
  it('reads daily, weekly and intervals', () => {
    expect(parseInterval('daily')).toBe(86_400_000);
    expect(parseInterval('weekly')).toBe(604_800_000);
    expect(parseInterval('30m')).toBe(1_800_000);
    expect(parseInterval('2h')).toBe(7_200_000);
    expect(parseInterval('45s')).toBe(45_000);
    expect(parseInterval('1h30m')).toBe(5_400_000);
    expect(() => parseInterval('hourly')).toThrow(/--every "hourly": expected daily, weekly/);
  });

  it('takes exactly one of --at and --every', () => {
    expect(cadenceFrom(parsed({ at: '2026-12-01T02:00:00Z' }))).toEqual({
      kind: 'once',
      at: '2026-12-01T02:00:00.000Z',
    });
    expect(cadenceFrom(parsed({ every: 'daily', first: '2026-12-01T02:00:00Z' }))).toEqual({
      kind: 'every',
      intervalMs: 86_400_000,
      firstAt: '2026-12-01T02:00:00.000Z',
    });
    expect(() => cadenceFrom(parsed({}))).toThrow(CliError);
    expect(() => cadenceFrom(parsed({ at: '2026-12-01T02:00:00Z', every: 'daily' }))).toThrow(
      /exactly one of --at TIME or --every/,
    );
    expect(() => cadenceFrom(parsed({ every: '0m' }))).toThrow(
      /--every "0m": expected daily, weekly/,
    );
    expect(() => parseTime('tomorrow', 'at')).toThrow(/--at "tomorrow": expected an ISO-8601 time/);
  });

  it('builds the campaign request like spectra scan, naming a missing flag', () => {
    expect(
      campaignRequestFrom(
        parsed({
          targets: '127.70.0.1,127.70.0.2',
          ports: '80',
          scope: '127.70.0.0/24',
          batch: '8',
        }),
        'schedule',
      ),
    ).toMatchObject({
      name: '127.70.0.1',
      targets: '127.70.0.1,127.70.0.2',
      engine: 'auto',
      batchSize: 8,
    });
    expect(() =>
      campaignRequestFrom(parsed({ targets: '127.70.0.1', ports: '80' }), 'schedule'),
    ).toThrow(/schedule: --scope is required/);
  });
});

describe('schedule edit flags', () => {
  const current = {
    scheduleId: 's-0123456789ab',
    name: 'nightly',
    request: {
      name: 'nightly',
      targets: '127.70.0.1',
      ports: '80',
      scope: [{ network: '127.70.0.0/24', sensitive: true }],
      engine: 'builtin',
      approvalPolicy: { maxHosts: 10 },
    },
    cadence: { kind: 'every', intervalMs: 1_800_000 },
    state: 'active',
    generation: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    nextRunAt: '2026-11-01T00:30:00.000Z',
    runCount: 0,
    lastRuns: [],
  } as unknown as ScheduleEntry;

  it('lays only the given flags over the stored request, keeping everything else', () => {
    const edit = scheduleEditFrom(parsed({ ports: '22,80', batch: '4' }), current);
    expect(edit.cadence).toBeUndefined();
    expect(edit.request).toMatchObject({
      name: 'nightly',
      targets: '127.70.0.1',
      ports: '22,80',
      batchSize: 4,
      engine: 'builtin',
      scope: [{ network: '127.70.0.0/24', sensitive: true }],
      approvalPolicy: { maxHosts: 10 },
    });
  });

  it('changes the cadence alone, read like a new schedule', () => {
    expect(scheduleEditFrom(parsed({ every: '2h' }), current)).toEqual({
      scheduleId: 's-0123456789ab',
      cadence: { kind: 'every', intervalMs: 7_200_000 },
    });
  });

  it('refuses an empty edit and an invalid one in one line per problem', () => {
    expect(() => scheduleEditFrom(parsed({}), current)).toThrow(
      /^schedule edit: nothing to change: give --at\/--every and\/or campaign options/,
    );
    expect(() => scheduleEditFrom(parsed({ targets: '10.0.0.1' }), current)).toThrow(
      /^schedule edit refused, nothing was changed:\n {2}.*10\.0\.0\.1.*scope/,
    );
    expect(() => scheduleEditFrom(parsed({ every: 'hourly' }), current)).toThrow(
      /--every "hourly": expected daily, weekly/,
    );
    expect(() => scheduleEditFrom(parsed({ engine: 'masscan' }), current)).toThrow(
      /--engine "masscan": expected auto, builtin or nmap/,
    );
  });
});
