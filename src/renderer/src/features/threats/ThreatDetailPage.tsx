import { useEffect, useState } from 'react';
import { LoadError } from '../../components/LoadError';
import { TriageState, type ThreatRecord } from '../../../../shared/threat';
import { HostLink } from '../../components/HostLink';
import { SeverityBadge, TRIAGE_LABEL, TriageBadge } from '../../components/badges';
import { formatDateTime } from '../../lib/format';
import { routeHref } from '../../lib/route';
import { usePageTitle } from '../../lib/hooks';
import { describeBackendError } from '../../backend/spectra-backend';
import { parseDuration } from '../../../../shared/approval';
import { useRecheckThreat, useThreatRecord, useTriageThreat } from '../../queries/threat-queries';
import { useActionsAllowed } from '../connection/connection-context';

/** Sightings listed in the history, newest first; the record keeps up to a thousand. */
const SIGHTINGS_SHOWN = 200;

export function ThreatDetailPage(props: { cve: string }) {
  // Polled while shown: a re-check elsewhere (CLI, schedule) that reopens or
  // remediates the record shows here without a reload.
  const entry = useThreatRecord(props.cve);
  const record = entry.data ?? null;
  usePageTitle(props.cve);

  return (
    <section
      className="page"
      data-testid="threat-detail-page"
      data-cve={props.cve}
      aria-labelledby="threat-title"
    >
      <div className="page-header">
        <div>
          <div className="breadcrumb">
            <a href={routeHref({ screen: 'threats' })}>Threats</a> /
          </div>
          <h1 id="threat-title" className="mono">
            {props.cve}
          </h1>
        </div>
        {record ? <SeverityBadge severity={record.severity} score={record.cvssScore} /> : null}
        {record ? <TriageBadge state={record.triage.state} /> : null}
        <span className="spacer" />
        {record ? <RecheckButton record={record} /> : null}
      </div>
      <LoadError what={props.cve} query={entry} />
      {record ? (
        <ThreatRecordView record={record} />
      ) : entry.isSuccess ? (
        <p className="empty">No campaign has seen {props.cve}.</p>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}

function ThreatRecordView(props: { record: ThreatRecord }) {
  const { record } = props;
  const sightings = record.updates.slice(-SIGHTINGS_SHOWN).reverse();
  return (
    <>
      <div className="grid-2">
        <div className="card">
          <h2>Summary</h2>
          <p style={{ marginTop: 0 }}>{record.summary}</p>
          <dl className="facts">
            <dt>Product</dt>
            <dd>{record.product}</dd>
            <dt>CVSS</dt>
            <dd>
              {record.cvssVersion ? `v${record.cvssVersion} ` : ''}
              {record.cvssScore.toFixed(1)} <span className="mono muted">{record.cvssVector}</span>
              {record.cvssSource ? <span className="muted"> by {record.cvssSource}</span> : null}
            </dd>
            <dt>Known exploited</dt>
            <dd data-testid="threat-kev">
              {record.kev
                ? `CISA KEV since ${record.kev.dateAdded}; ransomware use: ${record.kev.knownRansomwareCampaignUse}`
                : 'not in the imported KEV catalog'}
            </dd>
            <dt>EPSS</dt>
            <dd data-testid="threat-epss">
              {record.epss
                ? `${record.epss.score.toFixed(4)} (percentile ${record.epss.percentile.toFixed(3)}${record.epss.scoreDate ? `, ${record.epss.scoreDate}` : ''})`
                : 'no score imported'}
            </dd>
            <dt>First seen</dt>
            <dd>{formatDateTime(record.firstSeen)}</dd>
            <dt>Last seen</dt>
            <dd>{formatDateTime(record.lastSeen)}</dd>
            <dt>Sightings</dt>
            <dd>{record.totalSightings}</dd>
            <dt>Last re-check</dt>
            <dd data-testid="threat-verification" data-state={record.verification?.state ?? 'none'}>
              {record.verification
                ? `${record.verification.state === 'verified' ? 'Verified fixed' : 'Still vulnerable'} at ${formatDateTime(record.verification.at)} (${record.verification.trigger}): ${record.verification.details}`
                : 'never re-checked'}
            </dd>
          </dl>
        </div>
        <TriagePanel record={record} />
      </div>
      <div className="card table-wrap" tabIndex={0} role="region" aria-label="Affected hosts">
        <h2>Affected hosts and ports ({record.affected.length})</h2>
        <table data-testid="threat-affected">
          <thead>
            <tr>
              <th>Host</th>
              <th className="num">Port</th>
              <th>Product</th>
              <th>Version</th>
              <th>First seen</th>
              <th>Last seen</th>
              <th className="num">Sightings</th>
            </tr>
          </thead>
          <tbody>
            {record.affected.map((affected) => (
              <tr key={`${affected.host}:${affected.port}`}>
                <td>
                  <HostLink address={affected.host} />
                </td>
                <td className="num mono">{affected.port}</td>
                <td>{affected.product}</td>
                <td className="mono">{affected.version}</td>
                <td>{formatDateTime(affected.firstSeen)}</td>
                <td>{formatDateTime(affected.lastSeen)}</td>
                <td className="num">{affected.sightings}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid-2">
        <div className="card">
          <h2>Triage history and notes</h2>
          <ol className="timeline" data-testid="triage-history">
            {[
              ...record.triage.history.map((event) => ({
                at: event.at,
                text: `${TRIAGE_LABEL[event.previousState]} → ${TRIAGE_LABEL[event.state]}${event.note ? `: ${event.note}` : ''}`,
                actor: event.actor,
              })),
              // A note given with a triage change is kept in both lists; show it once.
              ...record.notes
                .filter(
                  (note) =>
                    !record.triage.history.some(
                      (event) => event.at === note.at && event.note === note.text,
                    ),
                )
                .map((note) => ({ at: note.at, text: `Note: ${note.text}`, actor: note.actor })),
            ]
              .sort((left, right) => right.at.localeCompare(left.at))
              .map((item, index) => (
                <li key={index}>
                  <span className="muted mono">{formatDateTime(item.at, true)}</span>
                  <span>
                    {item.text}
                    {item.actor ? <span className="muted"> — {item.actor}</span> : null}
                  </span>
                </li>
              ))}
            {record.triage.history.length + record.notes.length === 0 ? (
              <li className="muted">Not triaged yet.</li>
            ) : null}
          </ol>
        </div>
        <div className="card">
          <h2>Sightings</h2>
          {record.archivedUpdates.count > 0 ? (
            <p className="muted">
              {record.archivedUpdates.count} older sightings archived as counts.
            </p>
          ) : null}
          <ol className="timeline" data-testid="threat-sightings">
            {sightings.map((update, index) => (
              <li key={index}>
                <span className="muted mono">{formatDateTime(update.observedAt, true)}</span>
                <span className="mono">
                  {update.host}:{update.port} {update.product} {update.version}{' '}
                  <a href={routeHref({ screen: 'campaign', campaignId: update.campaignId })}>
                    {update.campaignId}
                  </a>
                </span>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </>
  );
}

function TriagePanel(props: { record: ThreatRecord }) {
  const { record } = props;
  const triage = useTriageThreat(record.cve);
  // Off while the host is unreachable (the connection banner says why).
  const actionsAllowed = useActionsAllowed();
  const [state, setState] = useState<TriageState>(record.triage.state);
  const [note, setNote] = useState('');
  const [actor, setActor] = useState('');
  const [recheckAfter, setRecheckAfter] = useState('7d');
  useEffect(() => setState(record.triage.state), [record.triage.state]);
  const saving = triage.isPending;
  const unchanged = state === record.triage.state && note.trim() === '';
  return (
    <form
      className="card"
      data-testid="triage-form"
      style={{ display: 'flex', flexDirection: 'column', gap: 12 }}
      onSubmit={async (event) => {
        event.preventDefault();
        const saved = await triage
          .mutateAsync({
            state,
            note: note.trim() || undefined,
            actor: actor.trim() || undefined,
            ...(state === 'remediated' && parseDuration(recheckAfter) !== undefined
              ? { recheckAfterMs: parseDuration(recheckAfter) }
              : {}),
          })
          .catch(() => undefined);
        if (saved) setNote('');
      }}
    >
      <h2>Triage</h2>
      <div
        className="toggle-group"
        role="radiogroup"
        aria-label="Triage state"
        data-testid="triage-states"
        onKeyDown={(event) => {
          // Radio groups move with the arrow keys (WAI-ARIA radio group pattern).
          const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
          if (!step) return;
          event.preventDefault();
          const options = TriageState.options;
          const next = options[(options.indexOf(state) + step + options.length) % options.length]!;
          setState(next);
          event.currentTarget.querySelector<HTMLElement>(`[data-value="${next}"]`)?.focus();
        }}
      >
        {TriageState.options.map((option) => (
          <button
            key={option}
            type="button"
            role="radio"
            aria-checked={state === option}
            tabIndex={state === option ? 0 : -1}
            className="toggle"
            data-value={option}
            onClick={() => setState(option)}
          >
            {TRIAGE_LABEL[option]}
          </button>
        ))}
      </div>
      {state === 'remediated' ? (
        <div className="field">
          <label htmlFor="triage-recheck-after">Re-check after</label>
          <select
            id="triage-recheck-after"
            value={recheckAfter}
            data-testid="triage-recheck-after"
            onChange={(event) => setRecheckAfter(event.target.value)}
          >
            <option value="1h">1 hour</option>
            <option value="1d">1 day</option>
            <option value="7d">7 days</option>
            <option value="30d">30 days</option>
          </select>
          <span className="field-hint">
            The affected services are probed again then; the threat reopens if still vulnerable.
          </span>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="triage-note">Note</label>
        <textarea
          id="triage-note"
          rows={3}
          maxLength={4000}
          value={note}
          data-testid="triage-note"
          style={{ fontFamily: 'var(--font)' }}
          onChange={(event) => setNote(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="triage-actor">Analyst</label>
        <input
          id="triage-actor"
          maxLength={200}
          value={actor}
          placeholder="optional"
          onChange={(event) => setActor(event.target.value)}
        />
      </div>
      <div className="form-actions">
        <button
          type="submit"
          className="primary"
          disabled={saving || unchanged || !actionsAllowed}
          data-testid="triage-save"
        >
          {saving ? 'Saving…' : 'Save triage'}
        </button>
        {triage.isSuccess ? (
          <span className="muted" data-testid="triage-saved" role="status">
            Saved.
          </span>
        ) : null}
        {triage.isError ? (
          <span className="notice error" role="alert">
            {describeBackendError(triage.error)}
          </span>
        ) : null}
      </div>
    </form>
  );
}

/** Probes the affected services now and says what it found; the record refreshes by itself. */
function RecheckButton(props: { record: ThreatRecord }) {
  const recheck = useRecheckThreat(props.record.cve);
  const actionsAllowed = useActionsAllowed();
  const result = recheck.data;
  const pending = props.record.recheck;
  return (
    <span className="form-actions">
      {pending ? (
        <span className="muted" data-testid="recheck-due">
          re-check due{' '}
          {formatDateTime(
            new Date(Date.parse(pending.requestedAt) + pending.afterMs).toISOString(),
          )}
        </span>
      ) : null}
      <button
        type="button"
        data-testid="recheck-now"
        disabled={recheck.isPending || !actionsAllowed}
        onClick={() => recheck.mutate()}
      >
        {recheck.isPending ? 'Re-checking…' : 'Re-check now'}
      </button>
      <span role="status" data-testid="recheck-result">
        {result
          ? result.status === 'applied'
            ? `${result.verdict === 'verified' ? 'Verified fixed' : 'Still vulnerable'}${result.reopened ? ' (reopened)' : ''}`
            : result.status === 'stale'
              ? 'The triage changed meanwhile; run it again.'
              : 'No record.'
          : ''}
      </span>
      {recheck.isError ? (
        <span className="notice error" role="alert">
          {describeBackendError(recheck.error)}
        </span>
      ) : null}
    </span>
  );
}
