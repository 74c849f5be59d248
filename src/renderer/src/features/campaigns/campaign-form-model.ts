import type { CampaignRequest } from '../../../../shared/campaign';
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
}

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
  batchSize: '50',
  batchesInFlight: '',
  connectTimeoutMs: '',
};

/** Form fields beyond the shared parser's. */
export type FormField = InputField | 'name' | 'batchesInFlight' | 'connectTimeoutMs';

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

/** The request the form would submit; unparseable numbers are left out (the check reports them). */
export function toCampaignRequest(values: CampaignFormValues): CampaignRequest {
  const ignored: FormIssue[] = [];
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
    1,
    32,
    ignored,
  );
  const connectTimeoutMs = optionalWholeNumber(
    values.connectTimeoutMs,
    'connectTimeoutMs',
    50,
    30_000,
    ignored,
  );
  return {
    name: values.name.trim(),
    targets: values.targets,
    exclusions: values.exclusions.trim() === '' ? undefined : values.exclusions,
    ports: portsText(values),
    scope: values.scope,
    engine: values.engine,
    ...(batchSize === undefined ? {} : { batchSize }),
    ...(batchesInFlight === undefined ? {} : { batchesInFlight }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  };
}

/**
 * Checks the form with the same parser the services use, so what passes here
 * is what the server accepts, and every issue carries the line to mark.
 */
export function checkCampaignForm(values: CampaignFormValues): FormCheck {
  const issues: FormIssue[] = [];
  if (values.name.trim() === '') issues.push({ field: 'name', line: 0, message: 'required' });
  else if (values.name.trim().length > 120)
    issues.push({ field: 'name', line: 0, message: 'at most 120 characters' });
  if (values.batchSize.trim() !== '' && !/^\d+$/.test(values.batchSize.trim()))
    issues.push({ field: 'batchSize', line: 0, message: 'must be a whole number' });
  optionalWholeNumber(values.batchesInFlight, 'batchesInFlight', 1, 32, issues);
  optionalWholeNumber(values.connectTimeoutMs, 'connectTimeoutMs', 50, 30_000, issues);

  const request = toCampaignRequest(values);
  const result = planCampaign({
    targets: request.targets,
    exclusions: request.exclusions,
    ports: request.ports,
    scope: request.scope,
    batchSize: request.batchSize,
    engine: request.engine,
  });
  if (!result.ok) issues.push(...result.issues.map(fromInputIssue));
  return issues.length === 0 && result.ok ? { issues, plan: result.value } : { issues };
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
