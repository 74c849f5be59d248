import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduleEntry } from '../../shared/schedule.js';
import { temporaryDataDir } from '../../../test/support/temporary-host.js';
import { startServeProcess, type ServeProcess } from '../../../test/support/serve-process.js';

/** `spectra schedule`, `schedules`, `unschedule` and `recheck` against a running `spectra serve`. */
const scratch = temporaryDataDir('spectra-schedule-cli-');
let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServeProcess(scratch.dataDir);
});

afterAll(async () => {
  await serve?.stop();
  scratch.remove();
});

function spectra(...args: string[]) {
  return execa('node', ['bin/spectra.mjs', ...args, '--data-dir', scratch.dataDir], {
    preferLocal: true,
    reject: false,
  });
}

describe('schedule commands', () => {
  it('creates, lists and removes a schedule', async () => {
    const created = await spectra(
      'schedule',
      '--every',
      '30m',
      '--targets',
      '127.70.7.1',
      '--ports',
      '80',
      '--scope',
      '127.70.7.0/24',
      '--name',
      'cli schedule',
      '--json',
    );
    expect(created.stderr).toBe('');
    expect(created.exitCode).toBe(0);
    const entry = JSON.parse(created.stdout) as ScheduleEntry;
    expect(entry).toMatchObject({
      name: 'cli schedule',
      cadence: { kind: 'every', intervalMs: 1_800_000 },
    });

    const listed = await spectra('schedules');
    expect(listed.stdout).toContain(`${entry.scheduleId}  every 30m`);
    expect(listed.stdout).toContain('"cli schedule" scope 127.70.7.0/24');

    const removed = await spectra('unschedule', entry.scheduleId);
    expect(removed.stdout.trim()).toBe(`removed schedule ${entry.scheduleId}`);
    const again = await spectra('unschedule', entry.scheduleId);
    expect(again.exitCode).toBe(1);
    expect(again.stderr.trim()).toBe(
      `spectra: unschedule: no schedule ${entry.scheduleId} (see spectra schedules)`,
    );
  });

  it('refuses an invalid schedule in one line per problem, before contacting the host', async () => {
    const refused = await spectra(
      'schedule',
      '--at',
      '2030-01-01T00:00:00Z',
      '--targets',
      '10.0.0.1',
      '--ports',
      '80',
      '--scope',
      '127.70.7.0/24',
    );
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/^spectra: schedule refused, nothing was scheduled:/);
    const missing = await spectra(
      'schedule',
      '--targets',
      '127.70.7.1',
      '--ports',
      '80',
      '--scope',
      '127.70.7.0/24',
    );
    expect(missing.stderr.trim()).toBe(
      'spectra: schedule: give exactly one of --at TIME or --every CADENCE',
    );
  });

  it('edits, pauses, resumes and runs a schedule now', async () => {
    const created = await spectra(
      'schedule',
      '--every',
      '30m',
      '--targets',
      '127.70.7.2',
      '--ports',
      '80',
      '--scope',
      '127.70.7.0/24',
      '--engine',
      'builtin',
      '--name',
      'cli controls',
      '--json',
    );
    const { scheduleId } = JSON.parse(created.stdout) as ScheduleEntry;

    const edited = await spectra(
      'schedule',
      'edit',
      scheduleId,
      '--every',
      '2h',
      '--ports',
      '22,80',
    );
    expect(edited.stderr).toBe('');
    expect(edited.stdout).toMatch(new RegExp(`^${scheduleId}  every 2h`));
    const refused = await spectra('schedule', 'edit', scheduleId, '--targets', '10.0.0.1');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/^spectra: schedule edit refused, nothing was changed:/);

    const paused = await spectra('schedule', 'pause', scheduleId);
    expect(paused.stdout.trim()).toBe(
      `paused ${scheduleId}; resume with spectra schedule resume ${scheduleId}`,
    );
    expect((await spectra('schedules')).stdout).toMatch(
      new RegExp(`${scheduleId}  every 2h\\s+paused \\(due `),
    );

    const ran = await spectra('schedule', 'run-now', scheduleId);
    expect(ran.exitCode).toBe(0);
    expect(ran.stdout).toMatch(
      new RegExp(`^${scheduleId}: started campaign c-[0-9a-f]+ \\(spectra attach c-[0-9a-f]+\\)`),
    );

    const resumed = await spectra('schedule', 'resume', scheduleId, '--json');
    const entry = JSON.parse(resumed.stdout) as ScheduleEntry;
    expect(entry).toMatchObject({
      state: 'active',
      runCount: 1,
      cadence: { intervalMs: 7_200_000 },
      request: { ports: '22,80' },
    });
    expect(entry.lastRuns[0]).toMatchObject({ manual: true });

    const unknown = await spectra('schedule', 'pause', 's-000000000000');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr.trim()).toBe('spectra: schedule pause: no schedule s-000000000000');
    const wrong = await spectra('schedule', 'stop', scheduleId);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr.trim()).toBe(
      'spectra: schedule: "stop" is not a subcommand: expected edit, pause, resume, run-now ID, or --at/--every to create one',
    );
    const stray = await spectra('schedule', 'pause', scheduleId, '--every', '1h');
    expect(stray.stderr.trim()).toBe(
      'spectra: schedule pause: --every only goes with schedule edit or a new schedule',
    );
    await spectra('unschedule', scheduleId);
  });

  it('reports a manual re-check of an unknown threat as one line', async () => {
    const result = await spectra('recheck', 'CVE-1999-0001');
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(
      'spectra: recheck: CVE-1999-0001: no threat record (never seen by a campaign)',
    );
  });
});
