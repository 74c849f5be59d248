import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import type { ParsedCommand } from '../command.js';
import { campaignRequestFrom } from '../campaign-request-flags.js';
import { cadenceFrom, parseInterval, parseTime } from './schedule-commands.js';

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
