import { useDeferredValue, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LineNumberedTextarea } from '../../components/LineNumberedTextarea';
import { CAMPAIGN_LIMITS } from '../../../../shared/campaign-limits';
import { describeCadence } from '../../../../shared/schedule';
import { formatDateTime } from '../../lib/format';
import { routeHref } from '../../lib/route';
import { usePageTitle } from '../../lib/hooks';
import { useEngineAvailability, useSubmitCampaign } from '../../queries/campaign-queries';
import { useCreateSchedule } from '../../queries/schedule-queries';
import { useAppStore } from '../../store/app-store';
import {
  checkCampaignForm,
  defaultCampaignName,
  EMPTY_CAMPAIGN_FORM,
  issuesFor,
  offendingLines,
  randomKey,
  SubmissionKeys,
  toCampaignRequest,
  type CampaignFormValues,
  type FormField,
  type FormIssue,
  type ScheduleKind,
} from './campaign-form-model';
import { useActionsAllowed } from '../connection/connection-context';

const SCHEDULE_LABEL: Record<ScheduleKind, string> = {
  now: 'Run now',
  once: 'Once, at a date and time',
  'every-minutes': 'Every N minutes',
  'every-hours': 'Every N hours',
  daily: 'Daily',
  weekly: 'Weekly',
};

/** Files larger than this are refused: a target list is text, not a disk image. */
const MAX_TARGET_FILE_BYTES = 8 * 1024 * 1024;

function IssueList(props: { id: string; issues: FormIssue[]; field: FormField }) {
  if (props.issues.length === 0) return null;
  return (
    <ul className="field-issues" id={props.id} data-testid={`issues-${props.field}`}>
      {props.issues.map((issue, index) => (
        <li key={index} data-line={issue.line}>
          {issue.line > 0 ? `Line ${issue.line}: ` : ''}
          {issue.message}
        </li>
      ))}
    </ul>
  );
}

function Field(props: {
  field: FormField;
  label: string;
  hint?: string;
  issues: FormIssue[];
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}) {
  const id = `field-${props.field}`;
  const issuesId = `${id}-issues`;
  const invalid = props.issues.length > 0;
  return (
    <div className="field" data-invalid={invalid}>
      <label htmlFor={id}>
        {props.label} {props.hint ? <span className="field-hint">{props.hint}</span> : null}
      </label>
      {props.children({ id, describedBy: invalid ? issuesId : undefined, invalid })}
      <IssueList id={issuesId} issues={props.issues} field={props.field} />
    </div>
  );
}

type NumberFieldName = 'batchSize' | 'batchesInFlight' | 'connectTimeoutMs' | 'ratePerSecond';

/** A whole-number field, kept as typed text: the shared schema checks it. */
function NumberField(props: {
  field: NumberFieldName;
  label: string;
  hint: string;
  issues: FormIssue[];
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  testId: string;
}) {
  return (
    <Field field={props.field} label={props.label} hint={props.hint} issues={props.issues}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          inputMode="numeric"
          placeholder={props.placeholder}
          value={props.value}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          data-testid={props.testId}
          onChange={(event) => props.onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

export function NewCampaignPage() {
  // The draft lives in the UI store, so leaving the form and coming back keeps it.
  const values = useAppStore((state) => state.campaignDraft);
  const setDraft = useAppStore((state) => state.setCampaignDraft);
  const [touched, setTouched] = useState(false);
  const [fileNote, setFileNote] = useState<string>();
  const keys = useRef(new SubmissionKeys(randomKey));
  const resetDraft = () => setDraft(EMPTY_CAMPAIGN_FORM);
  const submission = useSubmitCampaign();
  // Off while the host is unreachable (the connection banner says why).
  const actionsAllowed = useActionsAllowed();
  const scheduleCreation = useCreateSchedule();
  usePageTitle('New campaign');

  // Parsing a large paste runs at low priority so typing stays responsive.
  const deferred = useDeferredValue(values);
  const check = useMemo(() => checkCampaignForm(deferred), [deferred]);
  const shownIssues = (field: FormField) => (touched ? issuesFor(check, field) : []);

  const update = (patch: Partial<CampaignFormValues>) => {
    keys.current.reset();
    setTouched(true);
    setDraft(patch);
  };
  const numberField = (field: NumberFieldName) => ({
    field,
    issues: shownIssues(field),
    value: values[field],
    onChange: (value: string) => update({ [field]: value }),
  });

  const loadFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_TARGET_FILE_BYTES) {
      setFileNote(`${file.name} is larger than 8 MiB; paste a shorter list.`);
      return;
    }
    const text = await file.text();
    update({ targets: text.replace(/\r\n?/g, '\n') });
    setFileNote(
      `Loaded ${file.name} (${text.split('\n').filter((line) => line.trim()).length} lines).`,
    );
  };

  // A second click while the first is in flight is ignored; a retried key is
  // answered by the server with the same campaign or schedule.
  const submitting = submission.isPending || scheduleCreation.isPending;
  const scheduling = values.schedule !== 'now';
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    const current = checkCampaignForm(values);
    if (current.issues.length > 0 || submitting) {
      const first = current.issues[0];
      if (first) document.getElementById(`field-${first.field}`)?.focus();
      return;
    }
    if (current.cadence) {
      // A schedule instead of a campaign: the same key rule, so a double click makes one.
      const schedule = await scheduleCreation
        .mutateAsync({
          input: { request: toCampaignRequest(values), cadence: current.cadence },
          idempotencyKey: keys.current.current(),
        })
        .catch(() => undefined);
      if (schedule) {
        keys.current.reset();
        resetDraft();
        window.location.hash = routeHref({ screen: 'schedules' });
      }
      return;
    }
    const campaign = await submission
      .mutateAsync({ request: toCampaignRequest(values), idempotencyKey: keys.current.current() })
      .catch(() => undefined);
    if (campaign) {
      keys.current.reset();
      resetDraft();
      window.location.hash = routeHref({ screen: 'campaign', campaignId: campaign.campaignId });
    }
  };

  const plan = check.plan;
  return (
    <section className="page" data-testid="new-campaign-page" aria-labelledby="new-campaign-title">
      <div className="page-header">
        <div>
          <div className="breadcrumb">
            <a href={routeHref({ screen: 'campaigns' })}>Campaigns</a> /
          </div>
          <h1 id="new-campaign-title">New campaign</h1>
        </div>
      </div>
      <form className="form-grid" onSubmit={onSubmit} noValidate data-testid="campaign-form">
        <div className="card" style={{ display: 'flex', flexDirection: 'column', gap: 14 }}>
          <Field
            field="name"
            label="Name"
            hint="optional; defaults to the first target, as spectra scan does"
            issues={shownIssues('name')}
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                value={values.name}
                maxLength={200}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                data-testid="campaign-name"
                placeholder={defaultCampaignName(values.targets)}
                onChange={(event) => update({ name: event.target.value })}
              />
            )}
          </Field>
          <Field
            field="targets"
            label="Targets"
            hint="addresses, ranges (10.0.0.1-50), CIDR, hostnames; one or more per line, # comments"
            issues={shownIssues('targets')}
          >
            {({ id, describedBy, invalid }) => (
              <>
                <LineNumberedTextarea
                  id={id}
                  rows={8}
                  value={values.targets}
                  badLines={offendingLines(shownIssues('targets'))}
                  describedBy={describedBy}
                  invalid={invalid}
                  testId="campaign-targets"
                  placeholder={
                    '127.10.0.1-30\n# one target per line, or several separated by spaces'
                  }
                  onChange={(targets) => update({ targets })}
                />
                <div className="form-row" style={{ alignItems: 'center' }}>
                  <label className="button" htmlFor="targets-file" style={{ fontWeight: 500 }}>
                    Load from file…
                  </label>
                  <input
                    id="targets-file"
                    type="file"
                    accept=".txt,.csv,.lst,text/plain"
                    data-testid="campaign-targets-file"
                    style={{ position: 'absolute', width: 1, height: 1, opacity: 0 }}
                    onChange={(event) => void loadFile(event.target.files?.[0])}
                  />
                  {fileNote ? <span className="muted">{fileNote}</span> : null}
                </div>
              </>
            )}
          </Field>
          <Field
            field="exclusions"
            label="Exclusions"
            hint="optional, same syntax"
            issues={shownIssues('exclusions')}
          >
            {({ id, describedBy, invalid }) => (
              <LineNumberedTextarea
                id={id}
                rows={2}
                value={values.exclusions}
                badLines={offendingLines(shownIssues('exclusions'))}
                describedBy={describedBy}
                invalid={invalid}
                testId="campaign-exclusions"
                onChange={(exclusions) => update({ exclusions })}
              />
            )}
          </Field>
          <Field
            field="scope"
            label="Scope"
            hint="networks this campaign may touch; write sensitive after a network to mark it"
            issues={shownIssues('scope')}
          >
            {({ id, describedBy, invalid }) => (
              <LineNumberedTextarea
                id={id}
                rows={3}
                value={values.scope}
                badLines={offendingLines(shownIssues('scope'))}
                describedBy={describedBy}
                invalid={invalid}
                testId="campaign-scope"
                placeholder="127.10.0.0/24"
                onChange={(scope) => update({ scope })}
              />
            )}
          </Field>
        </div>

        <div style={{ display: 'flex', flexDirection: 'column', gap: 16 }}>
          <div className="card" style={{ display: 'flex', flexDirection: 'column', gap: 14 }}>
            <Field field="ports" label="Ports" issues={shownIssues('ports')}>
              {({ id, describedBy, invalid }) => (
                <>
                  <select
                    id="ports-preset"
                    aria-label="Port preset"
                    value={values.portsPreset}
                    data-testid="campaign-ports-preset"
                    onChange={(event) =>
                      update({
                        portsPreset: event.target.value as CampaignFormValues['portsPreset'],
                      })
                    }
                  >
                    <option value="top-100">Top 100 TCP ports</option>
                    <option value="top-1000">Top 1000 TCP ports</option>
                    <option value="custom">Custom list…</option>
                  </select>
                  {values.portsPreset === 'custom' ? (
                    <LineNumberedTextarea
                      id={id}
                      rows={2}
                      value={values.customPorts}
                      badLines={offendingLines(shownIssues('ports'))}
                      describedBy={describedBy}
                      invalid={invalid}
                      testId="campaign-ports"
                      placeholder="22,80,443,8000-8100"
                      onChange={(customPorts) => update({ customPorts })}
                    />
                  ) : null}
                </>
              )}
            </Field>
            <div className="form-row">
              <NumberField
                {...numberField('batchSize')}
                label="Batch size"
                hint={`hosts per batch, ${CAMPAIGN_LIMITS.batchSize.min}–${CAMPAIGN_LIMITS.batchSize.max}`}
                placeholder="adaptive"
                testId="campaign-batch-size"
              />
              <div className="field">
                <label htmlFor="field-engine">Engine</label>
                <select
                  id="field-engine"
                  value={values.engine}
                  data-testid="campaign-engine"
                  onChange={(event) =>
                    update({ engine: event.target.value as CampaignFormValues['engine'] })
                  }
                >
                  <option value="auto">Auto (nmap if installed)</option>
                  <option value="builtin">Built-in TCP connect</option>
                  <option value="nmap">nmap</option>
                </select>
              </div>
            </div>
            <div className="form-row">
              <NumberField
                {...numberField('batchesInFlight')}
                label="Parallel batches"
                hint={`${CAMPAIGN_LIMITS.batchesInFlight.min}–${CAMPAIGN_LIMITS.batchesInFlight.max}`}
                placeholder="adaptive"
                testId="campaign-batches-in-flight"
              />
              <NumberField
                {...numberField('connectTimeoutMs')}
                label="Connect timeout"
                hint="ms, built-in"
                placeholder="default"
                testId="campaign-timeout"
              />
              <NumberField
                {...numberField('ratePerSecond')}
                label="Rate"
                hint="probes per second, built-in"
                placeholder="no limit"
                testId="campaign-rate"
              />
            </div>
            <div className="field">
              <label className="checkbox-label">
                <input
                  type="checkbox"
                  checked={values.serviceDetection}
                  data-testid="campaign-service-detection"
                  aria-describedby="service-detection-warning"
                  onChange={(event) => update({ serviceDetection: event.target.checked })}
                />{' '}
                Service detection (nmap -sV)
              </label>
              <p
                id="service-detection-warning"
                className={values.serviceDetection ? 'notice warning' : 'field-hint'}
                data-testid="service-detection-warning"
              >
                Intrusive: talks to every open service with protocol probes to name its product and
                version. Services may log it or react to it; the policy asks for approval first.
                Slower than a port scan.
              </p>
            </div>
            <div className="form-row">
              <Field
                field="approval"
                label="Approval"
                hint="ask an analyst before scanning"
                issues={shownIssues('approval')}
              >
                {({ id, describedBy, invalid }) => (
                  <select
                    id={id}
                    value={values.approval}
                    aria-describedby={describedBy}
                    aria-invalid={invalid}
                    data-testid="campaign-approval"
                    onChange={(event) =>
                      update({ approval: event.target.value as CampaignFormValues['approval'] })
                    }
                  >
                    <option value="auto">Auto (when the policy flags it)</option>
                    <option value="required">Required (always ask)</option>
                    <option value="never">Never (refused if flagged)</option>
                  </select>
                )}
              </Field>
              <Field
                field="approvalTimeout"
                label="Approval timeout"
                hint="30m, 2h, 1d"
                issues={shownIssues('approvalTimeout')}
              >
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    placeholder="24h"
                    value={values.approvalTimeout}
                    disabled={values.approval === 'never'}
                    aria-describedby={describedBy}
                    aria-invalid={invalid}
                    data-testid="campaign-approval-timeout"
                    onChange={(event) => update({ approvalTimeout: event.target.value })}
                  />
                )}
              </Field>
            </div>
            <Field
              field="schedule"
              label="Schedule"
              hint="run now, or create a schedule that starts the campaign later"
              issues={shownIssues('schedule')}
            >
              {({ id, describedBy, invalid }) => (
                <div className="form-row" style={{ alignItems: 'center' }}>
                  <select
                    id={id}
                    value={values.schedule}
                    aria-describedby={describedBy}
                    data-testid="campaign-schedule"
                    onChange={(event) => update({ schedule: event.target.value as ScheduleKind })}
                  >
                    {(Object.keys(SCHEDULE_LABEL) as ScheduleKind[]).map((kind) => (
                      <option key={kind} value={kind}>
                        {SCHEDULE_LABEL[kind]}
                      </option>
                    ))}
                  </select>
                  {values.schedule === 'once' ? (
                    <input
                      type="datetime-local"
                      aria-label="Run at"
                      value={values.scheduleAt}
                      aria-describedby={describedBy}
                      aria-invalid={invalid}
                      data-testid="campaign-schedule-at"
                      onChange={(event) => update({ scheduleAt: event.target.value })}
                    />
                  ) : null}
                  {values.schedule === 'every-minutes' || values.schedule === 'every-hours' ? (
                    <input
                      inputMode="numeric"
                      aria-label={values.schedule === 'every-minutes' ? 'Minutes' : 'Hours'}
                      placeholder="N"
                      style={{ width: 90 }}
                      value={values.scheduleEvery}
                      aria-describedby={describedBy}
                      aria-invalid={invalid}
                      data-testid="campaign-schedule-every"
                      onChange={(event) => update({ scheduleEvery: event.target.value })}
                    />
                  ) : null}
                </div>
              )}
            </Field>
          </div>

          <div className="card" aria-live="polite" data-testid="campaign-plan">
            <h2>Dry run</h2>
            {plan ? (
              <dl className="facts">
                <dt>Targets</dt>
                <dd>
                  {plan.hostCount.toLocaleString('en-US')} hosts (
                  {plan.firstTargets.slice(0, 3).join(', ')}
                  {plan.hostCount > 3 ? ', …' : ''})
                </dd>
                <dt>Ports</dt>
                <dd className="mono">{plan.portsSummary}</dd>
                <dt>Probes</dt>
                <dd>{plan.probeCount.toLocaleString('en-US')}</dd>
                <dt>Batches</dt>
                <dd>
                  {plan.batchCount} of up to {plan.batchSize}
                </dd>
                <dt>Engine</dt>
                <dd data-testid="plan-engine">
                  <ResolvedEngine choice={values.engine} />
                  {values.serviceDetection ? ' with service detection' : ''}
                </dd>
                <dt>Approval</dt>
                <dd data-testid="plan-approval">
                  {check.approval?.kind === 'ask'
                    ? `asked first: ${check.approval.reasons.map((reason) => reason.message).join('; ')}`
                    : 'not needed'}
                </dd>
                {check.cadence ? (
                  <>
                    <dt>Schedule</dt>
                    <dd data-testid="plan-schedule">
                      {check.cadence.kind === 'once'
                        ? `once at ${formatDateTime(check.cadence.at)}`
                        : describeCadence(check.cadence)}
                    </dd>
                  </>
                ) : null}
              </dl>
            ) : (
              <p className="muted" data-testid="plan-issue-count">
                {touched
                  ? `${check.issues.length} issue${check.issues.length === 1 ? '' : 's'} to fix before starting.`
                  : 'Fill in targets, ports and scope to see what the campaign will do.'}
              </p>
            )}
          </div>

          <ErrorNotice
            failed="The campaign was not started"
            outcome={submission}
            testId="submit-error"
          />
          <ErrorNotice
            failed="The schedule was not created"
            outcome={scheduleCreation}
            testId="schedule-error"
          />
          <div className="form-actions">
            <button
              type="submit"
              className="primary"
              disabled={submitting || !actionsAllowed}
              data-testid="campaign-submit"
            >
              {scheduling
                ? submitting
                  ? 'Creating…'
                  : 'Create schedule'
                : submitting
                  ? 'Starting…'
                  : 'Start campaign'}
            </button>
            <a className="button" href={routeHref({ screen: 'campaigns' })}>
              Cancel
            </a>
          </div>
        </div>
      </form>
    </section>
  );
}

/** The engine `auto` resolves to on this host (nmap when installed, else built-in). */
function ResolvedEngine(props: { choice: CampaignFormValues['engine'] }) {
  const engines = useEngineAvailability();
  if (props.choice === 'builtin') return <>built-in TCP connect</>;
  if (!engines.data) return <>{props.choice === 'nmap' ? 'nmap' : 'auto (checking the host…)'}</>;
  if (props.choice === 'nmap')
    return engines.data.nmap ? <>nmap</> : <>nmap — not installed on the host: refused</>;
  return (
    <>
      auto → {engines.data.nmap ? 'nmap (installed on the host)' : 'built-in (no nmap on the host)'}
    </>
  );
}
