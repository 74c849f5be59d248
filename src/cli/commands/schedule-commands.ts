import { randomUUID } from 'node:crypto';
import { spectraClients } from '../../clients/service-clients.js';
import * as clients from '@restatedev/restate-sdk-clients';
import { readRunningHostInfo } from '../../main/host/data-dir.js';
import {
  DAY_MS,
  describeCadence,
  ScheduleCadence,
  ScheduleCreateRequest,
  WEEK_MS,
  type ScheduleEntry,
} from '../../shared/schedule.js';
import {
  CampaignRequestInvalid,
  validateCampaignRequest,
} from '../../services/campaigns/campaign-validation.js';
import { CliError } from '../cli-error.js';
import { requiredPositional, stringOption, type Command, type ParsedCommand } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import {
  CAMPAIGN_REQUEST_OPTIONS,
  CAMPAIGN_REQUEST_USAGE,
  campaignRequestFrom,
} from '../campaign-request-flags.js';
import { parseDuration } from '../../shared/approval.js';
import { describeIngressError, withHost } from '../host-connection.js';
import { forTerminal, jsonForTerminal } from '../terminal-text.js';

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'schedule a campaign once (--at) or repeatedly (--every), until unscheduled',
  usage: `spectra schedule (--at TIME | --every daily|weekly|30m|2h) --targets LIST --ports LIST --scope NETS [options]

  --at TIME             once, at an ISO-8601 time (2026-12-01T02:00:00Z; local time without a Z)
  --every CADENCE       daily, weekly, or an interval: 30s, 15m, 2h, 3d
  --first TIME          with --every: the first run (default: one interval from now)
${CAMPAIGN_REQUEST_USAGE}
  --json                print the stored schedule as JSON

Each run submits a campaign exactly as spectra scan would. Schedules fire while a
host runs on the data dir (spectra serve or the app); a run missed while none was
running fires when one starts again.`,
  options: {
    at: { type: 'string' },
    every: { type: 'string' },
    first: { type: 'string' },
    ...CAMPAIGN_REQUEST_OPTIONS,
    json: { type: 'boolean' },
  },
  async run(parsed) {
    const cadence = cadenceFrom(parsed);
    const request = campaignRequestFrom(parsed, 'schedule');
    try {
      validateCampaignRequest(request);
    } catch (error) {
      if (error instanceof CampaignRequestInvalid) {
        throw new CliError(
          `schedule refused, nothing was scheduled:\n  ${error.problems.join('\n  ')}`,
          2,
        );
      }
      throw error;
    }
    const dataDir = resolveDataDir(parsed);
    const hostRunning = Boolean(readRunningHostInfo(dataDir));
    const entry = await withHost(dataDir, ({ ingress }) =>
      Promise.resolve(
        spectraClients(ingress)
          .schedules()
          .create(
            // The handler's serde applies the same defaults; parsing here gives the client its type.
            ScheduleCreateRequest.parse({ request, cadence }),
            clients.rpc.opts({ idempotencyKey: randomUUID() }),
          ),
      ).catch((error: unknown) => {
        throw new CliError(`schedule refused: ${describeIngressError(error)}`, 2);
      }),
    );
    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal(entry) + '\n');
    } else {
      process.stdout.write(
        `${entry.scheduleId}  ${describeCadence(entry.cadence)}, next run ${entry.nextRunAt}  "${forTerminal(entry.name)}"\n`,
      );
    }
    if (!hostRunning) {
      process.stderr.write(
        'note: no host is running on this data dir; the schedule fires once one runs (spectra serve)\n',
      );
    }
  },
};

export const schedulesCommand: Command = {
  name: 'schedules',
  summary: 'list campaign schedules, next to run first',
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
  summary: 'remove a campaign schedule: no further runs start',
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

export function formatSchedule(entry: ScheduleEntry): string {
  const last = entry.lastRuns.at(-1);
  const lastText = last
    ? `; last ${last.firedAt} ${last.campaignId ?? `failed: ${forTerminal(last.error ?? 'unknown')}`}`
    : '';
  const next = entry.nextRunAt ? `next ${entry.nextRunAt}` : 'finished';
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
