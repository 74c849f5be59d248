import { useCallback, useState } from 'react';
import { describeCadence, type ScheduleEntry } from '../../../../shared/schedule';
import { formatDateTime } from '../../lib/format';
import { usePolling } from '../../lib/hooks';
import { routeHref } from '../../lib/route';
import { useAppStore } from '../../store/app-store';
import { cadenceLabel, lastRunSummary } from './schedule-view-model';

const SCHEDULES_POLL_MS = 5000;

/** Every schedule: what it runs, when next, what its last runs started; remove one. */
export function SchedulesPage() {
  const list = useAppStore((state) => state.scheduleList);
  const loadSchedules = useAppStore((state) => state.loadSchedules);
  usePolling(
    useCallback(async () => {
      await loadSchedules();
      return true;
    }, [loadSchedules]),
    'schedule-list',
    { intervalMs: SCHEDULES_POLL_MS },
  );

  return (
    <section className="page" data-testid="schedules-page" aria-labelledby="schedules-title">
      <div className="page-header">
        <h1 id="schedules-title">Schedules</h1>
        <span className="muted">{list.value.length} total</span>
        <span className="spacer" />
        <a
          className="button primary"
          href={routeHref({ screen: 'new-campaign' })}
          data-testid="new-schedule"
        >
          New campaign or schedule
        </a>
      </div>
      {list.status === 'error' ? (
        <p className="notice error" role="alert">
          Could not load schedules: {list.error}
        </p>
      ) : null}
      <div className="card table-wrap">
        <table data-testid="schedule-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Targets</th>
              <th>When</th>
              <th>Next run</th>
              <th className="num">Runs</th>
              <th>Last run</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {list.value.map((entry) => (
              <ScheduleRow key={entry.scheduleId} entry={entry} />
            ))}
          </tbody>
        </table>
        {list.value.length === 0 && list.status !== 'loading' && list.status !== 'idle' ? (
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
  const removal = useAppStore((state) => state.scheduleRemovals[entry.scheduleId]);
  const removeSchedule = useAppStore((state) => state.removeSchedule);
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
              disabled={removal?.status === 'removing'}
              data-testid="schedule-remove-confirm"
              onClick={() => void removeSchedule(entry.scheduleId)}
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
        {removal?.status === 'error' ? (
          <div className="notice error" role="alert">
            {removal.error}
          </div>
        ) : null}
      </td>
    </tr>
  );
}
