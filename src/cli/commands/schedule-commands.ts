import { randomUUID } from 'node:crypto';
import { callOptions, spectraClients } from '../../clients/service-clients.js';
import {
  DAY_MS,
  describeCadence,
  ScheduleCadence,
  ScheduleCreateRequest,
  ScheduleEditRequest,
  WEEK_MS,
  type ScheduleEntry,
} from '../../shared/schedule.js';
import { validateCampaignRequest } from '../../services/campaigns/campaign-validation.js';
import { CliError } from '../cli-error.js';
import { requiredPositional, stringOption, type Command, type ParsedCommand } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import {
  CAMPAIGN_REQUEST_OPTIONS,
  CAMPAIGN_REQUEST_USAGE,
  campaignRequestFrom,
  refuseInvalidRequest,
} from '../campaign-request-flags.js';
import { parseDuration } from '../../shared/approval.js';
import { describeIngressError, withHost } from '../host-connection.js';
import { forTerminal, jsonForTerminal } from '../terminal-text.js';
import type { z } from 'zod';
import type { CampaignRequest } from '../../shared/campaign.js';

export const scheduleCommand: Command = {
  name: 'schedule',
  usage: `spectra schedule (--at TIME | --every daily|weekly|30m|2h) --targets LIST --ports LIST --scope NETS [options]
       spectra schedule edit ID [--at TIME | --every CADENCE [--first TIME]] [campaign options]
       spectra schedule pause ID | resume ID | run-now ID

  --at TIME             once, at an ISO-8601 time (2026-12-01T02:00:00Z; local time without a Z)
  --every CADENCE       daily, weekly, or an interval: 30s, 15m, 2h, 3d
  --first TIME          with --every: the first run (default: one interval from now)
${CAMPAIGN_REQUEST_USAGE}
  --json                print the stored schedule as JSON

Each run submits a campaign exactly as spectra scan would. Schedules fire while a
host runs on the data dir (spectra serve or the app); a run missed while none was
running fires when one starts again.

  edit ID               change the cadence and/or any campaign option; options not
                        given keep their stored value (checked like a new schedule)
  pause ID              fire nothing until resumed
  resume ID             fire again from the next due time (runs missed while paused
                        are skipped, not caught up)
  run-now ID            start one campaign from the schedule now; its next due time
                        stays as it is`,
  options: {
    at: { type: 'string' },
    every: { type: 'string' },
    first: { type: 'string' },
    ...CAMPAIGN_REQUEST_OPTIONS,
    json: { type: 'boolean' },
  },
  positionals: ['SUBCOMMAND', 'ID'],
  async run(parsed) {
    if (parsed.positionals.length > 0) return runScheduleSubcommand(parsed);
    const cadence = cadenceFrom(parsed);
    const request = campaignRequestFrom(parsed, 'schedule');
    refuseInvalidRequest('schedule refused, nothing was scheduled', () =>
      validateCampaignRequest(request),
    );
    const dataDir = resolveDataDir(parsed);
    const { entry, hostStartedHere } = await withHost(
      dataDir,
      async ({ ingress, temporaryHost }) => ({
        entry: await Promise.resolve(
          spectraClients(ingress)
            .schedules()
            .create(
              // The handler's serde applies the same defaults; parsing here gives the client its type.
              ScheduleCreateRequest.parse({ request, cadence }),
              callOptions({ idempotencyKey: randomUUID() }),
            ),
        ).catch((error: unknown) => {
          throw new CliError(`schedule refused: ${describeIngressError(error)}`, 2);
        }),
        hostStartedHere: temporaryHost !== undefined,
      }),
    );
    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal(entry) + '\n');
    } else {
      process.stdout.write(
        `${entry.scheduleId}  ${describeCadence(entry.cadence)}, next run ${entry.nextRunAt}  "${forTerminal(entry.name)}"\n`,
      );
    }
    if (hostStartedHere) {
      process.stderr.write(
        'note: no host is running on this data dir; the schedule fires once one runs (spectra serve)\n',
      );
    }
  },
};

export const schedulesCommand: Command = {
  name: 'schedules',
  usage: 'spectra schedules [--json]',
  options: { json: { type: 'boolean' } },
  async run(parsed) {
    const entries = await withHost(resolveDataDir(parsed), ({ ingress }) =>
      spectraClients(ingress).schedules().list(),
    );
    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal(entries) + '\n');
      return;
    }
    if (entries.length === 0)
      process.stdout.write('No schedules (create one with spectra schedule).\n');
    for (const entry of entries) process.stdout.write(formatSchedule(entry) + '\n');
  },
};

export const unscheduleCommand: Command = {
  name: 'unschedule',
  usage: 'spectra unschedule ID',
  options: {},
  positionals: ['ID'],
  async run(parsed) {
    const scheduleId = requiredPositional(parsed.positionals, 'unschedule', 'ID');
    const { removed } = await withHost(resolveDataDir(parsed), ({ ingress }) =>
      spectraClients(ingress).schedules().remove({ scheduleId }),
    );
    if (!removed)
      throw new CliError(`unschedule: no schedule ${scheduleId} (see spectra schedules)`);
    process.stdout.write(`removed schedule ${scheduleId}\n`);
  },
};

const SUBCOMMANDS = ['edit', 'pause', 'resume', 'run-now'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

/** `schedule edit|pause|resume|run-now ID`: each one call to the Schedules object. */
async function runScheduleSubcommand(parsed: ParsedCommand): Promise<number> {
  const [subcommand, scheduleId] = parsed.positionals as [string, string | undefined];
  if (!(SUBCOMMANDS as readonly string[]).includes(subcommand))
    throw new CliError(
      `schedule: "${forTerminal(subcommand)}" is not a subcommand: expected ${SUBCOMMANDS.join(', ')} ID, or --at/--every to create one`,
      2,
    );
  const command = `schedule ${subcommand}`;
  if (!scheduleId) throw new CliError(`${command}: ID is required (see spectra schedules)`, 2);
  if (subcommand !== 'edit') refuseEditOptions(parsed, command);
  const json = Boolean(parsed.values.json);
  const print = (entry: ScheduleEntry, line: string) =>
    process.stdout.write((json ? jsonForTerminal(entry) : line) + '\n');
  return withHost(resolveDataDir(parsed), async ({ ingress }) => {
    const schedules = spectraClients(ingress).schedules();
    // The host's answer to a refused call (unknown id, finished schedule, invalid edit) in one line.
    const ask = <T>(call: PromiseLike<T>): Promise<T> =>
      Promise.resolve(call).catch((error: unknown) => {
        throw new CliError(`${command}: ${describeIngressError(error)}`, 1);
      });
    switch (subcommand as Subcommand) {
      case 'pause': {
        const entry = await ask(schedules.pause({ scheduleId }));
        print(entry, `paused ${scheduleId}; resume with spectra schedule resume ${scheduleId}`);
        return 0;
      }
      case 'resume': {
        const entry = await ask(schedules.resume({ scheduleId }));
        print(entry, `resumed ${scheduleId}, next run ${entry.nextRunAt ?? 'none'}`);
        return 0;
      }
      case 'run-now': {
        const { entry, run } = await ask(
          schedules.runNow({ scheduleId }, callOptions({ idempotencyKey: randomUUID() })),
        );
        if (json) print(entry, '');
        else if (run.campaignId)
          process.stdout.write(
            `${scheduleId}: started campaign ${run.campaignId} (spectra attach ${run.campaignId}); next run still ${entry.nextRunAt ?? 'none'}\n`,
          );
        if (run.campaignId) return 0;
        process.stderr.write(
          `spectra: ${command}: no campaign started: ${forTerminal(run.error ?? 'unknown')}\n`,
        );
        return 1;
      }
      case 'edit': {
        const current = await ask(schedules.get({ scheduleId }));
        if (!current) throw new CliError(`${command}: no schedule ${scheduleId}`, 1);
        const edit = scheduleEditFrom(parsed, current);
        const entry = await ask(schedules.edit(edit));
        print(entry, formatSchedule(entry));
        return 0;
      }
    }
  });
}

/** pause/resume/run-now change nothing else: a campaign or cadence flag there is a mistake, said so. */
function refuseEditOptions(parsed: ParsedCommand, command: string): void {
  const given = [...Object.keys(CAMPAIGN_REQUEST_OPTIONS), 'at', 'every', 'first'].find(
    (flag) => parsed.values[flag] !== undefined,
  );
  if (given)
    throw new CliError(`${command}: --${given} only goes with schedule edit or a new schedule`, 2);
}

/** Where each campaign flag lands in the request. */
const REQUEST_FIELD_OF_FLAG: Record<string, keyof CampaignRequest> = {
  targets: 'targets',
  'targets-file': 'targets',
  exclude: 'exclusions',
  ports: 'ports',
  scope: 'scope',
  name: 'name',
  engine: 'engine',
  'service-detection': 'serviceDetection',
  batch: 'batchSize',
  'in-flight': 'batchesInFlight',
  timeout: 'connectTimeoutMs',
  rate: 'ratePerSecond',
  approval: 'approval',
  'approval-timeout': 'approvalTimeoutMs',
  site: 'site',
};

/**
 * The edit the flags ask for: the cadence if --at/--every is given, and the
 * stored request with each given campaign flag laid over it (read exactly as
 * `spectra schedule` reads it), checked by the same validation as a new
 * schedule before anything is sent.
 */
export function scheduleEditFrom(
  parsed: ParsedCommand,
  current: ScheduleEntry,
): z.output<typeof ScheduleEditRequest> {
  const cadenceGiven = ['at', 'every', 'first'].some((flag) => parsed.values[flag] !== undefined);
  const flags = Object.keys(REQUEST_FIELD_OF_FLAG).filter(
    (flag) => parsed.values[flag] !== undefined,
  );
  if (!cadenceGiven && flags.length === 0)
    throw new CliError(
      'schedule edit: nothing to change: give --at/--every and/or campaign options (see spectra schedule --help)',
      2,
    );
  let request: CampaignRequest | undefined;
  if (flags.length > 0) {
    // The three flags campaignRequestFrom insists on stand in when absent; only given flags are taken from it.
    const fromFlags = campaignRequestFrom(
      {
        values: { targets: '-', ports: '-', scope: '-', ...parsed.values },
        positionals: [],
      },
      'schedule edit',
    );
    request = { ...current.request };
    for (const flag of flags) {
      const field = REQUEST_FIELD_OF_FLAG[flag]!;
      (request as Record<string, unknown>)[field] = fromFlags[field];
    }
    refuseInvalidRequest('schedule edit refused, nothing was changed', () =>
      validateCampaignRequest(request),
    );
  }
  const edit = ScheduleEditRequest.safeParse({
    scheduleId: current.scheduleId,
    request,
    cadence: cadenceGiven ? cadenceFrom(parsed) : undefined,
  });
  if (!edit.success)
    throw new CliError(
      `schedule edit: ${edit.error.issues.map((issue) => issue.message).join('; ')}`,
      2,
    );
  return edit.data;
}

export function formatSchedule(entry: ScheduleEntry): string {
  const last = entry.lastRuns.at(-1);
  const lastText = last
    ? `; last ${last.firedAt} ${last.campaignId ?? `failed: ${forTerminal(last.error ?? 'unknown')}`}`
    : '';
  const next =
    entry.state === 'paused'
      ? `paused (due ${entry.nextRunAt ?? 'none'})`
      : entry.nextRunAt
        ? `next ${entry.nextRunAt}`
        : 'finished';
  return `${entry.scheduleId}  ${describeCadence(entry.cadence).padEnd(16)} ${next}  ${entry.runCount} run(s)${lastText}  "${forTerminal(entry.name)}" scope ${forTerminal(typeof entry.request.scope === 'string' ? entry.request.scope : entry.request.scope.map((network) => network.network).join(','))}`;
}

/** `daily`, `weekly`, or a duration such as 30m or 1h30m; in milliseconds. */
export function parseInterval(text: string): number {
  const value = text.trim().toLowerCase();
  if (value === 'daily') return DAY_MS;
  if (value === 'weekly') return WEEK_MS;
  const milliseconds = parseDuration(value);
  if (milliseconds === undefined || milliseconds < 1000) {
    throw new CliError(
      `--every "${text}": expected daily, weekly or a duration such as 30m or 2h`,
      2,
    );
  }
  return milliseconds;
}

/** An ISO-8601 time; without a zone it is local time, as the analyst typed it. */
export function parseTime(text: string, flag: string): string {
  const time = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time.getTime()))
    throw new CliError(`--${flag} "${text}": expected an ISO-8601 time (2026-12-01T02:00:00Z)`, 2);
  return time.toISOString();
}

export function cadenceFrom(parsed: ParsedCommand): ScheduleCadence {
  const at = stringOption(parsed, 'at');
  const every = stringOption(parsed, 'every');
  const first = stringOption(parsed, 'first');
  if ((at === undefined) === (every === undefined))
    throw new CliError('schedule: give exactly one of --at TIME or --every CADENCE', 2);
  if (at !== undefined && first !== undefined)
    throw new CliError('schedule: --first only goes with --every', 2);
  const cadence =
    at !== undefined
      ? { kind: 'once' as const, at: parseTime(at, 'at') }
      : {
          kind: 'every' as const,
          intervalMs: parseInterval(every!),
          ...(first !== undefined ? { firstAt: parseTime(first, 'first') } : {}),
        };
  const checked = ScheduleCadence.safeParse(cadence);
  if (!checked.success)
    throw new CliError(
      `schedule: ${checked.error.issues.map((issue) => issue.message).join('; ')}`,
      2,
    );
  return checked.data;
}
