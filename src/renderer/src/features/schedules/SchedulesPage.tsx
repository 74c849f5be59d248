import { useState } from 'react';
import { describeCadence, type ScheduleEntry } from '../../../../shared/schedule';
import { formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/hooks';
import { routeHref } from '../../lib/route';
import { errorMessage } from '../../queries/parse-backend';
import { useRemoveSchedule, useScheduleList } from '../../queries/schedule-queries';
import { cadenceLabel, lastRunSummary } from './schedule-view-model';
import { useActionsAllowed } from '../connection/connection-context';

/** Every schedule: what it runs, when next, what its last runs started; remove one. */
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
      {list.isError ? (
        <p className="notice error" role="alert">
          Could not load schedules: {errorMessage(list.error)}
        </p>
      ) : null}
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
  // Off while the host is unreachable (the connection banner says why).
  const actionsAllowed = useActionsAllowed();
  const [confirming, setConfirming] = useState(false);
  const last = lastRunSummary(entry);
  return (
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
      <td className="nowrap">{entry.nextRunAt ? formatDateTime(entry.nextRunAt) : entry.state}</td>
      <td className="num">{entry.runCount}</td>
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
      </td>
      <td className="nowrap">
        {confirming ? (
          <span className="form-actions">
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
          </span>
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
        {removal.isError ? (
          <div className="notice error" role="alert">
            {errorMessage(removal.error)}
          </div>
        ) : null}
      </td>
    </tr>
  );
}
