import { useEffect, useRef, useState, type ChangeEvent, type Ref } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LoadError } from '../../components/LoadError';
import { describeCadence, type ScheduleEntry } from '../../../../shared/schedule';
import { formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/hooks';
import { routeHref } from '../../lib/route';
import { describeBackendError } from '../../backend/spectra-backend';
import {
  useRemoveSchedule,
  useScheduleControls,
  useScheduleList,
} from '../../queries/schedule-queries';
import { checkScheduleEdit, editValuesOf, type ScheduleEditValues } from './schedule-edit-model';
import { cadenceLabel, lastRunSummary } from './schedule-view-model';
import { useActionsAllowed } from '../connection/connection-context';

/** Every schedule: what it runs, when next, what its last runs started; run, pause, resume, edit or remove one. */
export function SchedulesPage() {
  const list = useScheduleList();
  const entries = list.data ?? [];
  usePageTitle('Schedules');

  return (
    <section className="page" data-testid="schedules-page" aria-labelledby="schedules-title">
      <div className="page-header">
        <h1 id="schedules-title">Schedules</h1>
        <span className="muted">{entries.length} total</span>
        <span className="spacer" />
        <a
          className="button primary"
          href={routeHref({ screen: 'new-campaign' })}
          data-testid="new-schedule"
        >
          New campaign or schedule
        </a>
      </div>
      <LoadError what="schedules" query={list} />
      <div className="card table-wrap" tabIndex={0} role="region" aria-label="Schedule list">
        <table data-testid="schedule-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Targets</th>
              <th>When</th>
              <th>Next run</th>
              <th className="num">Runs</th>
              <th>Last run</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <ScheduleRow key={entry.scheduleId} entry={entry} />
            ))}
          </tbody>
        </table>
        {entries.length === 0 && list.isSuccess ? (
          <p className="empty" data-testid="schedules-empty">
            No schedules. Pick a schedule in the{' '}
            <a href={routeHref({ screen: 'new-campaign' })}>new campaign</a> form to create one.
          </p>
        ) : null}
      </div>
    </section>
  );
}

function ScheduleRow(props: { entry: ScheduleEntry }) {
  const { entry } = props;
  const removal = useRemoveSchedule(entry.scheduleId);
  const controls = useScheduleControls(entry.scheduleId);
  // Off while the host is unreachable (the connection banner says why).
  const actionsAllowed = useActionsAllowed();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const last = lastRunSummary(entry);
  const paused = entry.state === 'paused';
  const busy = controls.pause.isPending || controls.resume.isPending || controls.runNow.isPending;
  const failed = [controls.pause, controls.resume, controls.runNow].find(
    (mutation) => mutation.isError,
  );
  const started = controls.runNow.data?.run;
  const closeEditor = () => {
    // Back to the button that opened the form (before the form and its focused button go),
    // so a keyboard user keeps their place.
    editButton.current?.focus();
    setEditing(false);
  };
  return (
    <>
      <tr data-testid="schedule-row" data-schedule-id={entry.scheduleId} data-state={entry.state}>
        <td>
          {entry.name}
          <div className="muted mono">{entry.scheduleId}</div>
        </td>
        <td className="mono">
          {String(entry.request.targets).split('\n')[0]}
          <div className="muted">{entry.request.ports}</div>
        </td>
        <td data-testid="schedule-cadence" title={describeCadence(entry.cadence)}>
          {cadenceLabel(entry.cadence)}
          {entry.request.approval && entry.request.approval !== 'auto' ? (
            <div className="muted">approval {entry.request.approval}</div>
          ) : null}
        </td>
        <td className="nowrap" data-testid="schedule-next">
          {paused ? (
            <>
              <span className="badge schedule-paused" data-testid="schedule-paused">
                Paused
              </span>
              {entry.nextRunAt ? (
                <div className="muted">was due {formatDateTime(entry.nextRunAt)}</div>
              ) : null}
            </>
          ) : entry.nextRunAt ? (
            formatDateTime(entry.nextRunAt)
          ) : (
            entry.state
          )}
        </td>
        <td className="num" data-testid="schedule-run-count">
          {entry.runCount}
        </td>
        <td>
          {last ? (
            last.campaignId ? (
              <a href={routeHref({ screen: 'campaign', campaignId: last.campaignId })}>
                {formatDateTime(last.firedAt)}
              </a>
            ) : (
              <span className="notice error">{last.error}</span>
            )
          ) : (
            <span className="muted">not yet</span>
          )}
          {last?.manual ? <div className="muted">run now</div> : null}
        </td>
        <td className="nowrap">
          <span className="form-actions schedule-actions">
            <button
              type="button"
              data-testid="schedule-run-now"
              aria-label={`Run now: schedule ${entry.name}`}
              disabled={busy || !actionsAllowed}
              onClick={() => controls.runNow.mutate(crypto.randomUUID())}
            >
              Run now
            </button>
            {entry.state === 'finished' ? null : (
              <button
                type="button"
                data-testid={paused ? 'schedule-resume' : 'schedule-pause'}
                aria-label={`${paused ? 'Resume' : 'Pause'} schedule ${entry.name}`}
                disabled={busy || !actionsAllowed}
                onClick={() => (paused ? controls.resume.mutate() : controls.pause.mutate())}
              >
                {paused ? 'Resume' : 'Pause'}
              </button>
            )}
            <button
              type="button"
              ref={editButton}
              data-testid="schedule-edit"
              aria-label={`Edit schedule ${entry.name}`}
              aria-expanded={editing}
              onClick={() => (editing ? closeEditor() : setEditing(true))}
            >
              Edit…
            </button>
            {confirming ? (
              <>
                <button
                  type="button"
                  className="danger"
                  disabled={removal.isPending || !actionsAllowed}
                  data-testid="schedule-remove-confirm"
                  onClick={() => removal.mutate()}
                >
                  Remove
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button
                type="button"
                data-testid="schedule-remove"
                aria-label={`Remove schedule ${entry.name}`}
                onClick={() => setConfirming(true)}
              >
                Remove…
              </button>
            )}
          </span>
          <div role="status" data-testid="schedule-action-status">
            {started?.campaignId ? (
              <span>
                Started{' '}
                <a
                  href={routeHref({ screen: 'campaign', campaignId: started.campaignId })}
                  data-testid="schedule-started-campaign"
                >
                  {started.campaignId}
                </a>
              </span>
            ) : started?.error ? (
              <span className="notice error">No campaign started: {started.error}</span>
            ) : null}
          </div>
          {removal.isError || failed ? (
            <div className="notice error" role="alert" data-testid="schedule-action-error">
              {describeBackendError(removal.isError ? removal.error : failed?.error)}
            </div>
          ) : null}
        </td>
      </tr>
      {editing ? (
        <tr data-testid="schedule-edit-row">
          <td colSpan={7}>
            <ScheduleEditForm
              entry={entry}
              onDone={closeEditor}
              mutation={controls.edit}
              actionsAllowed={actionsAllowed}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

const WHEN_LABEL: Record<ScheduleEditValues['when'], string> = {
  keep: 'Keep the current timing',
  once: 'Once, at a date and time',
  'every-minutes': 'Every N minutes',
  'every-hours': 'Every N hours',
  daily: 'Daily',
  weekly: 'Weekly',
};

type TextFieldName = Exclude<keyof ScheduleEditValues, 'when'>;

/** One labelled text field of the edit form. */
function EditField(props: {
  id: string;
  testId: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  multiline?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  type?: string;
  inputMode?: 'numeric';
}) {
  const common = {
    id: props.id,
    value: props.value,
    'data-testid': props.testId,
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      props.onChange(event.target.value),
  };
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={2} />
      ) : (
        <input {...common} ref={props.inputRef} type={props.type} inputMode={props.inputMode} />
      )}
    </div>
  );
}

/**
 * Edits one schedule in place: checked as typed with the same schemas the
 * service uses, sent as one `Schedules.edit`, closed when it is stored.
 */
function ScheduleEditForm(props: {
  entry: ScheduleEntry;
  onDone: () => void;
  mutation: ReturnType<typeof useScheduleControls>['edit'];
  actionsAllowed: boolean;
}) {
  const { entry, mutation } = props;
  const [values, setValues] = useState(() => editValuesOf(entry));
  const [tried, setTried] = useState(false);
  const check = checkScheduleEdit(entry, values);
  const id = (field: string) => `schedule-${entry.scheduleId}-${field}`;
  const update = (change: Partial<ScheduleEditValues>) =>
    setValues((current) => ({ ...current, ...change }));
  const textField = (field: TextFieldName) => ({
    id: id(field),
    testId: `schedule-edit-${field}`,
    value: values[field],
    onChange: (value: string) => update({ [field]: value }),
  });
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <form
      className="schedule-edit"
      aria-label={`Edit schedule ${entry.name}`}
      data-testid="schedule-edit-form"
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if ('edit' in check) mutation.mutate(check.edit, { onSuccess: props.onDone });
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') props.onDone();
      }}
    >
      <div className="form-row">
        <EditField {...textField('name')} label="Name" inputRef={first} />
        <EditField {...textField('ports')} label="Ports" />
        <div className="field">
          <label htmlFor={id('when')}>When</label>
          <select
            id={id('when')}
            value={values.when}
            data-testid="schedule-edit-when"
            onChange={(event) => update({ when: event.target.value as ScheduleEditValues['when'] })}
          >
            {(Object.keys(WHEN_LABEL) as ScheduleEditValues['when'][]).map((kind) => (
              <option key={kind} value={kind}>
                {kind === 'keep'
                  ? `${WHEN_LABEL.keep} (${cadenceLabel(entry.cadence)})`
                  : WHEN_LABEL[kind]}
              </option>
            ))}
          </select>
        </div>
        {values.when === 'once' ? (
          <EditField {...textField('at')} label="At" type="datetime-local" />
        ) : null}
        {values.when === 'every-minutes' || values.when === 'every-hours' ? (
          <EditField
            {...textField('every')}
            label={values.when === 'every-minutes' ? 'Minutes' : 'Hours'}
            inputMode="numeric"
          />
        ) : null}
      </div>
      <div className="form-row">
        <EditField {...textField('targets')} label="Targets" multiline />
        <EditField {...textField('scope')} label="Scope" multiline />
      </div>
      {tried && check.problems.length > 0 ? (
        // The alert wraps the list: a role on the <ul> itself would hide its items' list semantics.
        <div role="alert">
          <ul className="field-issues" data-testid="schedule-edit-problems">
            {check.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorNotice failed="Not saved" outcome={mutation} testId="schedule-edit-error" />
      <div className="form-actions">
        <button
          type="submit"
          className="primary"
          data-testid="schedule-edit-save"
          disabled={mutation.isPending || !props.actionsAllowed}
        >
          Save changes
        </button>
        <button type="button" data-testid="schedule-edit-cancel" onClick={props.onDone}>
          Cancel
        </button>
        <span className="muted">
          A new timing starts over from its first run; changing only the campaign keeps the next
          run.
        </span>
      </div>
    </form>
  );
}
