import { planCampaign } from '../../../../shared/campaign-plan';
import {
  DAY_MS,
  MINUTE_MS,
  ScheduleEditRequest,
  WEEK_MS,
  type ScheduleEntry,
} from '../../../../shared/schedule';
import type { ScheduleEditInput } from '../../backend/spectra-backend';
import { toScheduleCadence, type ScheduleKind } from '../campaigns/campaign-form-model';

/**
 * The schedule edit form: the parts of the request an analyst changes most
 * (name, targets, ports, scope) and the cadence. `keep` leaves the cadence and
 * its pending timer alone, so renaming a schedule never moves its next run.
 */
export interface ScheduleEditValues {
  name: string;
  targets: string;
  ports: string;
  scope: string;
  when: 'keep' | Exclude<ScheduleKind, 'now'>;
  /** `datetime-local` value for `once`. */
  at: string;
  /** N for every N minutes / hours. */
  every: string;
}

/** The form as it opens: the stored request as text, the cadence kept. */
export function editValuesOf(entry: ScheduleEntry): ScheduleEditValues {
  const { cadence } = entry;
  const hours = cadence.kind === 'every' && cadence.intervalMs % (60 * MINUTE_MS) === 0;
  return {
    name: entry.request.name,
    targets: entry.request.targets,
    ports: entry.request.ports,
    scope: scopeText(entry.request.scope),
    when: 'keep',
    at: '',
    every:
      cadence.kind === 'every' && cadence.intervalMs !== DAY_MS && cadence.intervalMs !== WEEK_MS
        ? String(cadence.intervalMs / (hours ? 60 * MINUTE_MS : MINUTE_MS))
        : '',
  };
}

/** The scope as the form's text: one network a line, `sensitive` after the marked ones. */
export function scopeText(scope: ScheduleEntry['request']['scope']): string {
  if (typeof scope === 'string') return scope;
  return scope
    .map((entry) => (entry.sensitive ? `${entry.network} sensitive` : entry.network))
    .join('\n');
}

export type ScheduleEditCheck = { edit: ScheduleEditInput; problems: [] } | { problems: string[] };

/**
 * The edit the form asks for, checked with the schemas `Schedules.edit` uses
 * (and the campaign planner the new-campaign form uses), or one line per
 * problem. Only what changed is sent: an untouched request is not replaced.
 */
export function checkScheduleEdit(
  entry: ScheduleEntry,
  values: ScheduleEditValues,
  now = Date.now(),
): ScheduleEditCheck {
  const original = editValuesOf(entry);
  const problems: string[] = [];
  const requestChanged = (['name', 'targets', 'ports', 'scope'] as const).some(
    (field) => values[field] !== original[field],
  );
  const request = requestChanged
    ? {
        ...entry.request,
        name: values.name,
        targets: values.targets,
        ports: values.ports,
        // Unchanged text keeps the stored (possibly structured) scope.
        scope: values.scope === original.scope ? entry.request.scope : values.scope,
      }
    : undefined;
  let cadence;
  if (values.when !== 'keep') {
    const checked = toScheduleCadence(
      { schedule: values.when, scheduleAt: values.at, scheduleEvery: values.every },
      now,
    );
    if (checked.issue) problems.push(`when: ${checked.issue}`);
    cadence = checked.cadence;
  }
  if (!request && values.when === 'keep')
    return { problems: ['nothing changed: edit a field or pick a new "when"'] };
  const parsed = ScheduleEditRequest.safeParse({
    scheduleId: entry.scheduleId,
    request,
    cadence,
  });
  if (!parsed.success)
    problems.push(
      ...parsed.error.issues.map(
        (issue) => `${issue.path.slice(1).join('.') || 'edit'}: ${issue.message}`,
      ),
    );
  if (request) {
    const plan = planCampaign(request);
    if (!plan.ok)
      problems.push(
        ...plan.issues.map((issue) =>
          issue.line === 0 ? issue.message : `${issue.field}: ${issue.message}`,
        ),
      );
  }
  if (problems.length > 0 || !parsed.success) return { problems: [...new Set(problems)] };
  return { edit: parsed.data, problems: [] };
}
