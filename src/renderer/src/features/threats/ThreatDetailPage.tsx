import { useEffect, useState } from 'react';
import { TriageState, type ThreatRecord } from '../../../../shared/threat';
import { SeverityBadge, TRIAGE_LABEL, TriageBadge } from '../../components/badges';
import { formatDateTime } from '../../lib/format';
import { routeHref } from '../../lib/route';
import { useAppStore } from '../../store/app-store';

/** Sightings listed in the history, newest first; the record keeps up to a thousand. */
const SIGHTINGS_SHOWN = 200;

export function ThreatDetailPage(props: { cve: string }) {
  const entry = useAppStore((state) => state.threatRecords[props.cve]);
  const loadThreat = useAppStore((state) => state.loadThreat);
  useEffect(() => {
    void loadThreat(props.cve);
  }, [props.cve, loadThreat]);
  const record = entry?.value ?? null;

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
      </div>
      {entry?.status === 'error' ? (
        <p className="notice error" role="alert">
          Could not load {props.cve}: {entry.error}
        </p>
      ) : null}
      {record ? (
        <ThreatRecordView record={record} />
      ) : entry?.status === 'ready' ? (
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
          </dl>
        </div>
        <TriagePanel record={record} />
      </div>
      <div className="card table-wrap">
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
                <td className="mono">{affected.host}</td>
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
  const status = useAppStore((state) => state.triageStatus[record.cve]);
  const triageThreat = useAppStore((state) => state.triageThreat);
  const [state, setState] = useState<TriageState>(record.triage.state);
  const [note, setNote] = useState('');
  const [actor, setActor] = useState('');
  useEffect(() => setState(record.triage.state), [record.triage.state]);
  const saving = status?.status === 'saving';
  const unchanged = state === record.triage.state && note.trim() === '';
  return (
    <form
      className="card"
      data-testid="triage-form"
      style={{ display: 'flex', flexDirection: 'column', gap: 12 }}
      onSubmit={async (event) => {
        event.preventDefault();
        const saved = await triageThreat(record.cve, {
          state,
          note: note.trim() || undefined,
          actor: actor.trim() || undefined,
        });
        if (saved) setNote('');
      }}
    >
      <h2>Triage</h2>
      <div
        className="toggle-group"
        role="radiogroup"
        aria-label="Triage state"
        data-testid="triage-states"
      >
        {TriageState.options.map((option) => (
          <button
            key={option}
            type="button"
            role="radio"
            aria-checked={state === option}
            aria-pressed={state === option}
            className="toggle"
            data-value={option}
            onClick={() => setState(option)}
          >
            {TRIAGE_LABEL[option]}
          </button>
        ))}
      </div>
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
          disabled={saving || unchanged}
          data-testid="triage-save"
        >
          {saving ? 'Saving…' : 'Save triage'}
        </button>
        {status?.status === 'saved' ? (
          <span className="muted" data-testid="triage-saved" role="status">
            Saved.
          </span>
        ) : null}
        {status?.status === 'error' ? (
          <span className="notice error" role="alert">
            {status.error}
          </span>
        ) : null}
      </div>
    </form>
  );
}
