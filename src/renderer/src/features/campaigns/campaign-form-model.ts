import {
  formatApprovalReasons,
  MAX_APPROVAL_TIMEOUT_MS,
  MIN_APPROVAL_TIMEOUT_MS,
  parseDuration,
  type ApprovalMode,
  type ApprovalRequirement,
} from '../../../../shared/approval';
import { campaignApprovalRequirement, type CampaignRequest } from '../../../../shared/campaign';
import { CAMPAIGN_LIMITS } from '../../../../shared/campaign-limits';
import {
  DAY_MS,
  MAX_SCHEDULE_INTERVAL_MS,
  MINUTE_MS,
  WEEK_MS,
  type ScheduleCadence,
} from '../../../../shared/schedule';
import {
  planCampaign,
  type CampaignPlan,
  type ScanEngineChoice,
} from '../../../../shared/campaign-plan';
import type { InputField, InputIssue } from '../../../../shared/input-error';

/** The new-campaign form as typed: every field is text until it is checked. */
export interface CampaignFormValues {
  name: string;
  targets: string;
  exclusions: string;
  portsPreset: PortsPreset;
  customPorts: string;
  scope: string;
  engine: ScanEngineChoice;
  batchSize: string;
  batchesInFlight: string;
  connectTimeoutMs: string;
  /** Probes per second (built-in engine); empty: no limit. */
  ratePerSecond: string;
  /** nmap -sV: identify products and versions by talking to each service (intrusive). */
  serviceDetection: boolean;
  approval: ApprovalMode;
  /** Duration text (`30m`, `2h`, `1d`); empty: the service's default (24 h). */
  approvalTimeout: string;
  schedule: ScheduleKind;
  /** `datetime-local` value (local time) for a one-off schedule. */
  scheduleAt: string;
  /** N for every N minutes / hours. */
  scheduleEvery: string;
}

/** Run now, or create a schedule instead of a campaign. */
export const SCHEDULE_KINDS = [
  'now',
  'once',
  'every-minutes',
  'every-hours',
  'daily',
  'weekly',
] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export const PORTS_PRESETS = ['top-100', 'top-1000', 'custom'] as const;
export type PortsPreset = (typeof PORTS_PRESETS)[number];

export const EMPTY_CAMPAIGN_FORM: CampaignFormValues = {
  name: '',
  targets: '',
  exclusions: '',
  portsPreset: 'top-100',
  customPorts: '',
  scope: '',
  engine: 'auto',
  batchSize: '',
  batchesInFlight: '',
  connectTimeoutMs: '',
  ratePerSecond: '',
  serviceDetection: false,
  approval: 'auto',
  approvalTimeout: '',
  schedule: 'now',
  scheduleAt: '',
  scheduleEvery: '',
};

/** Form fields beyond the shared parser's. */
export type FormField =
  | InputField
  | 'name'
  | 'batchesInFlight'
  | 'connectTimeoutMs'
  | 'ratePerSecond'
  | 'approval'
  | 'approvalTimeout'
  | 'schedule';

export interface FormIssue {
  field: FormField;
  /** 1-based line in the field's text; 0 for the field as a whole. */
  line: number;
  message: string;
}

export interface FormCheck {
  issues: FormIssue[];
  /** Present when everything checks out: what the campaign would do. */
  plan?: CampaignPlan;
  /** With the plan: whether the campaign will wait for an analyst, and why. */
  approval?: ApprovalRequirement;
  /** With the plan, when the form schedules instead of running now. */
  cadence?: ScheduleCadence;
}

export function portsText(values: Pick<CampaignFormValues, 'portsPreset' | 'customPorts'>): string {
  return values.portsPreset === 'custom' ? values.customPorts : values.portsPreset;
}

function optionalWholeNumber(
  text: string,
  field: FormField,
  minimum: number,
  maximum: number,
  issues: FormIssue[],
): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || value < minimum || value > maximum) {
    issues.push({
      field,
      line: 0,
      message: `must be a whole number from ${minimum} to ${maximum}`,
    });
    return undefined;
  }
  return value;
}

/** A stored request back in the form (clone / re-run with changes). */
export function fromCampaignRequest(request: CampaignRequest): CampaignFormValues {
  const preset = (PORTS_PRESETS as readonly string[]).includes(request.ports)
    ? (request.ports as PortsPreset)
    : 'custom';
  const text = (value: number | undefined) => (value === undefined ? '' : String(value));
  return {
    ...EMPTY_CAMPAIGN_FORM,
    name: request.name,
    targets: request.targets,
    exclusions: request.exclusions ?? '',
    portsPreset: preset,
    customPorts: preset === 'custom' ? request.ports : '',
    scope:
      typeof request.scope === 'string'
        ? request.scope
        : request.scope
            .map((entry) => `${entry.network}${entry.sensitive ? ' sensitive' : ''}`)
            .join('\n'),
    engine: request.engine ?? 'auto',
    batchSize: text(request.batchSize) || EMPTY_CAMPAIGN_FORM.batchSize,
    batchesInFlight: text(request.batchesInFlight),
    connectTimeoutMs: text(request.connectTimeoutMs),
    ratePerSecond: text(request.ratePerSecond),
    serviceDetection: request.serviceDetection ?? false,
    approval: request.approval ?? 'auto',
    approvalTimeout: request.approvalTimeoutMs
      ? `${Math.round(request.approvalTimeoutMs / 60_000)}m`
      : '',
  };
}

/** The name `spectra scan` gives a campaign without --name: its first target. */
export function defaultCampaignName(targets: string): string {
  const first = targets
    .split(/[\n,]/)
    .map((part) => part.replace(/#.*$/, '').trim())
    .find(Boolean);
  return (first ?? 'campaign').slice(0, 120);
}

/** The approval timeout in ms; undefined for the default, NaN when the text is not a duration. */
export function approvalTimeoutMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return parseDuration(trimmed) ?? Number.NaN;
}

/** The request the form would submit; unparseable numbers are left out (the check reports them). */
export function toCampaignRequest(
  values: CampaignFormValues,
): CampaignRequest & { engine: ScanEngineChoice } {
  const ignored: FormIssue[] = [];
  // Any whole number goes through here; planCampaign reports one out of range.
  const batchSize = optionalWholeNumber(
    values.batchSize,
    'batchSize',
    1,
    Number.MAX_SAFE_INTEGER,
    ignored,
  );
  const batchesInFlight = optionalWholeNumber(
    values.batchesInFlight,
    'batchesInFlight',
    CAMPAIGN_LIMITS.batchesInFlight.min,
    CAMPAIGN_LIMITS.batchesInFlight.max,
    ignored,
  );
  const connectTimeoutMs = optionalWholeNumber(
    values.connectTimeoutMs,
    'connectTimeoutMs',
    CAMPAIGN_LIMITS.connectTimeoutMs.min,
    CAMPAIGN_LIMITS.connectTimeoutMs.max,
    ignored,
  );
  const ratePerSecond = optionalWholeNumber(
    values.ratePerSecond,
    'ratePerSecond',
    CAMPAIGN_LIMITS.ratePerSecond.min,
    CAMPAIGN_LIMITS.ratePerSecond.max,
    ignored,
  );
  const timeout = approvalTimeoutMs(values.approvalTimeout);
  return {
    name: values.name.trim() || defaultCampaignName(values.targets),
    targets: values.targets,
    exclusions: values.exclusions.trim() === '' ? undefined : values.exclusions,
    ports: portsText(values),
    scope: values.scope,
    engine: values.engine,
    ...(batchSize === undefined ? {} : { batchSize }),
    ...(batchesInFlight === undefined ? {} : { batchesInFlight }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
    ...(values.serviceDetection ? { serviceDetection: true } : {}),
    ...(values.approval === 'auto' ? {} : { approval: values.approval }),
    ...(timeout !== undefined && Number.isFinite(timeout) ? { approvalTimeoutMs: timeout } : {}),
  };
}

/**
 * When the schedule fires, or why it cannot: `now` is undefined (run at once).
 * A one-off time must lie in the future; repeats start one interval from now.
 */
export function toScheduleCadence(
  values: Pick<CampaignFormValues, 'schedule' | 'scheduleAt' | 'scheduleEvery'>,
  now: number,
): { cadence?: ScheduleCadence; issue?: string } {
  switch (values.schedule) {
    case 'now':
      return {};
    case 'daily':
      return { cadence: { kind: 'every', intervalMs: DAY_MS } };
    case 'weekly':
      return { cadence: { kind: 'every', intervalMs: WEEK_MS } };
    case 'once': {
      if (values.scheduleAt.trim() === '') return { issue: 'pick the date and time to run at' };
      // A datetime-local value has no zone: it is the analyst's local time.
      const at = new Date(values.scheduleAt);
      if (Number.isNaN(at.getTime())) return { issue: 'not a valid date and time' };
      if (at.getTime() <= now) return { issue: 'must be in the future' };
      return { cadence: { kind: 'once', at: at.toISOString() } };
    }
    case 'every-minutes':
    case 'every-hours': {
      const unit = values.schedule === 'every-minutes' ? MINUTE_MS : 60 * MINUTE_MS;
      const most = Math.floor(MAX_SCHEDULE_INTERVAL_MS / unit);
      const text = values.scheduleEvery.trim();
      const count = Number(text);
      if (!/^\d+$/.test(text) || count < 1 || count > most)
        return { issue: `every N: a whole number from 1 to ${most}` };
      return { cadence: { kind: 'every', intervalMs: count * unit } };
    }
  }
}

/**
 * Checks the form with the same parser the services use, so what passes here
 * is what the server accepts, and every issue carries the line to mark.
 */
export function checkCampaignForm(values: CampaignFormValues, now = Date.now()): FormCheck {
  const issues: FormIssue[] = [];
  // An empty name is named after the first target, as `spectra scan` does.
  if (values.name.trim().length > CAMPAIGN_LIMITS.nameLength)
    issues.push({
      field: 'name',
      line: 0,
      message: `at most ${CAMPAIGN_LIMITS.nameLength} characters`,
    });
  if (values.batchSize.trim() !== '' && !/^\d+$/.test(values.batchSize.trim()))
    issues.push({ field: 'batchSize', line: 0, message: 'must be a whole number' });
  for (const field of ['batchesInFlight', 'connectTimeoutMs', 'ratePerSecond'] as const)
    optionalWholeNumber(
      values[field],
      field,
      CAMPAIGN_LIMITS[field].min,
      CAMPAIGN_LIMITS[field].max,
      issues,
    );
  const timeout = approvalTimeoutMs(values.approvalTimeout);
  if (timeout !== undefined && !Number.isFinite(timeout))
    issues.push({
      field: 'approvalTimeout',
      line: 0,
      message: 'use a duration like 30m, 2h, 1h30m or 1d',
    });
  else if (
    timeout !== undefined &&
    (timeout < MIN_APPROVAL_TIMEOUT_MS || timeout > MAX_APPROVAL_TIMEOUT_MS)
  )
    issues.push({ field: 'approvalTimeout', line: 0, message: 'from 1s to 30 days' });
  const schedule = toScheduleCadence(values, now);
  if (schedule.issue) issues.push({ field: 'schedule', line: 0, message: schedule.issue });

  const request = toCampaignRequest(values);
  const result = planCampaign({
    targets: request.targets,
    exclusions: request.exclusions,
    ports: request.ports,
    scope: request.scope,
    batchSize: request.batchSize,
    batchesInFlight: request.batchesInFlight,
    engine: request.engine,
  });
  if (!result.ok) return { issues: [...issues, ...result.issues.map(fromInputIssue)] };
  // The one shared entry point, as submission and the CLI's dry run use it.
  const approval = campaignApprovalRequirement(request, result.value);
  if (approval.kind === 'refuse') {
    issues.push({
      field: 'approval',
      line: 0,
      message: `"never" is refused, this campaign needs approval: ${formatApprovalReasons(approval.reasons)}`,
    });
  }
  return issues.length === 0
    ? {
        issues,
        plan: result.value,
        approval,
        ...(schedule.cadence ? { cadence: schedule.cadence } : {}),
      }
    : { issues };
}

function fromInputIssue(issue: InputIssue): FormIssue {
  return { field: issue.field, line: issue.line, message: issue.message };
}

export function issuesFor(check: FormCheck, field: FormField): FormIssue[] {
  return check.issues.filter((issue) => issue.field === field);
}

/** Lines of a field to mark in its gutter. */
export function offendingLines(issues: readonly FormIssue[]): ReadonlySet<number> {
  return new Set(issues.filter((issue) => issue.line > 0).map((issue) => issue.line));
}

/**
 * One idempotency key per submission attempt: the first click draws it, a
 * double click or a retry after a network error reuses it, and editing the
 * form starts a new one (it is then a different request).
 */
export class SubmissionKeys {
  private key: string | undefined;
  constructor(private readonly draw: () => string) {}
  current(): string {
    this.key ??= this.draw();
    return this.key;
  }
  /** The form changed or the campaign started: the next submission is a new one. */
  reset(): void {
    this.key = undefined;
  }
}

export function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
