import {
  describeCadence,
  type ScheduleCadence,
  type ScheduleEntry,
  type ScheduleRun,
} from '../../../../shared/schedule';
import { formatDateTime } from '../../lib/format';

/** `every 30m`, `daily`, `once at 2026-05-01 09:00` (local time for the one-off). */
export function cadenceLabel(cadence: ScheduleCadence): string {
  return cadence.kind === 'once'
    ? `once at ${formatDateTime(cadence.at)}`
    : describeCadence(cadence);
}

/** The newest run, if the schedule has fired. */
export function lastRunSummary(entry: Pick<ScheduleEntry, 'lastRuns'>): ScheduleRun | undefined {
  return entry.lastRuns.at(-1);
}
