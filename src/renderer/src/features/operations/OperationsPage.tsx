import { BarChart } from '../../components/BarChart';
import {
  formatBytes,
  formatCount,
  formatDateTime,
  formatDuration,
  formatPercent,
} from '../../lib/format';
import { usePageTitle } from '../../lib/hooks';
import { useConnection } from '../connection/connection-context';
import { useOperations } from '../../queries/operations-queries';
import { describeBackendError } from '../../backend/spectra-backend';
import { Stat } from '../../components/Stat';

function milliseconds(value: number | null): string {
  if (value === null) return '—';
  return value < 1000 ? `${Math.round(value)} ms` : formatDuration(value);
}

export function OperationsPage() {
  const entry = useOperations();
  const snapshot = entry.data ?? null;
  usePageTitle('Operations');
  // The last snapshot's "ready" is not true of a host that stopped answering since.
  const connection = useConnection();
  const serverState =
    connection.status === 'offline' ? 'unreachable' : (snapshot?.serverState ?? 'unknown');

  return (
    <section className="page" data-testid="operations-page" aria-labelledby="operations-title">
      <div className="page-header">
        <h1 id="operations-title">Operations</h1>
        <span className="muted">Durable engine health (Restate)</span>
        <span className="spacer" />
        {snapshot ? (
          <span className="muted">Updated {formatDateTime(snapshot.collectedAt)}</span>
        ) : null}
      </div>
      {entry.isError ? (
        <p className="notice error" role="alert">
          Could not read operations: {describeBackendError(entry.error)}
        </p>
      ) : null}
      {snapshot && !snapshot.queryable ? (
        <p className="notice error" role="alert">
          The server's query engine did not answer: {snapshot.error}
        </p>
      ) : null}
      {!snapshot ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <div className="stats" data-testid="operations-stats">
            <div className="stat">
              <div className="stat-label">Server</div>
              <div className="stat-value" data-testid="server-state" data-state={serverState}>
                <span
                  className={`badge ${serverState === 'ready' ? 'state-completed' : 'state-failed'}`}
                >
                  {serverState}
                </span>
              </div>
            </div>
            <Stat
              label="Invocations"
              value={formatCount(snapshot.totals.invocations)}
              testId="ops-invocations"
            />
            <Stat label="In flight" value={formatCount(snapshot.totals.inFlight)} />
            <Stat
              label="Failure rate"
              value={formatPercent(snapshot.totals.failureRate)}
              testId="ops-failure-rate"
            />
            <Stat
              label="Retries"
              value={formatCount(snapshot.totals.retries)}
              testId="ops-retries"
            />
            <Stat
              label="Journal"
              value={formatBytes(snapshot.journal.bytes)}
              sub={`${formatCount(snapshot.journal.entries)} entries`}
              testId="ops-journal-bytes"
            />
            <Stat
              label="State store"
              value={formatBytes(snapshot.state.reduce((total, usage) => total + usage.bytes, 0))}
              testId="ops-state-bytes"
            />
          </div>
          <div className="grid-2">
            <div className="card">
              <h2>Mean execution time by handler</h2>
              <BarChart
                title="Mean execution time by handler"
                labelWidth={200}
                unit=" ms"
                data={snapshot.handlers
                  .filter((row) => row.averageDurationMs !== null)
                  .sort(
                    (left, right) => (right.averageDurationMs ?? 0) - (left.averageDurationMs ?? 0),
                  )
                  .slice(0, 8)
                  .map((row) => ({
                    label: `${row.service}.${row.handler}`,
                    value: Math.round(row.averageDurationMs ?? 0),
                  }))}
              />
            </div>
            <div className="card">
              <h2>State store usage</h2>
              <table data-testid="ops-state">
                <thead>
                  <tr>
                    <th>Service</th>
                    <th className="num">Keys</th>
                    <th className="num">Entries</th>
                    <th className="num">Size</th>
                  </tr>
                </thead>
                <tbody>
                  {snapshot.state.map((usage) => (
                    <tr key={usage.service}>
                      <td>{usage.service}</td>
                      <td className="num">{formatCount(usage.keys)}</td>
                      <td className="num">{formatCount(usage.entries)}</td>
                      <td className="num">{formatBytes(usage.bytes)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3 style={{ marginTop: 14 }}>Invocations by status</h3>
              <p style={{ margin: 0 }}>
                {snapshot.statuses
                  .map((status) => `${status.status} ${formatCount(status.count)}`)
                  .join(' · ') || '—'}
              </p>
            </div>
          </div>
          <div className="card table-wrap" tabIndex={0} role="region" aria-label="Handlers">
            <h2>Handlers</h2>
            <table data-testid="ops-handlers">
              <thead>
                <tr>
                  <th>Service</th>
                  <th>Handler</th>
                  <th className="num">Invocations</th>
                  <th className="num">Failed</th>
                  <th className="num">In flight</th>
                  <th className="num">Retries</th>
                  <th className="num">Mean time</th>
                  <th className="num">Max time</th>
                  <th className="num">Journal (mean / max)</th>
                </tr>
              </thead>
              <tbody>
                {snapshot.handlers.map((row) => (
                  <tr
                    key={`${row.service}.${row.handler}`}
                    data-handler={`${row.service}.${row.handler}`}
                  >
                    <td>{row.service}</td>
                    <td className="mono">{row.handler}</td>
                    <td className="num">{formatCount(row.invocations)}</td>
                    <td className="num">{formatCount(row.failed)}</td>
                    <td className="num">{formatCount(row.inFlight)}</td>
                    <td className="num">{formatCount(row.retries)}</td>
                    <td className="num">{milliseconds(row.averageDurationMs)}</td>
                    <td className="num">{milliseconds(row.maxDurationMs)}</td>
                    <td className="num">
                      {row.averageJournalEntries.toFixed(1)} / {row.maxJournalEntries}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="card table-wrap" tabIndex={0} role="region" aria-label="Retrying now">
            <h2>Retrying now</h2>
            {snapshot.retrying.length === 0 ? (
              <p className="muted" data-testid="ops-retrying-empty">
                No invocation is retrying.
              </p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Invocation</th>
                    <th>Target</th>
                    <th className="num">Retries</th>
                    <th>Last failure</th>
                  </tr>
                </thead>
                <tbody>
                  {snapshot.retrying.map((row) => (
                    <tr key={row.id}>
                      <td className="mono">{row.id}</td>
                      <td className="mono">
                        {row.service}
                        {row.key ? `/${row.key}` : ''}.{row.handler}
                      </td>
                      <td className="num">{row.retryCount}</td>
                      <td>{row.lastFailure ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </>
      )}
    </section>
  );
}
