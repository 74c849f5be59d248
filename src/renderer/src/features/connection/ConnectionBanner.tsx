import { formatTime } from '../../lib/format';
import { useConnection } from './connection-context';

/**
 * One banner, on every screen, whenever the host is not simply there: what
 * happened, since when, what the screen below is worth, and how to get the
 * host back. It disappears by itself when the host answers again.
 */
export function ConnectionBanner() {
  const connection = useConnection();
  if (connection.status === 'offline')
    return (
      <section
        className="connection-banner offline"
        role="alert"
        aria-label="Host unreachable"
        data-testid="connection-banner"
        data-status="offline"
      >
        <strong>The Spectra-Red host is not answering</strong> (since {formatTime(connection.since)}
        ).{' '}
        {connection.lastContactAt
          ? `What you see is as of ${formatTime(connection.lastContactAt)} and may be out of date; `
          : 'Nothing below could be loaded; '}
        actions are off until it is back. If it stopped, start it again with{' '}
        <code>spectra serve</code> on the same data dir (or reopen the app): this page reconnects by
        itself, at the same address.
      </section>
    );
  if (connection.status === 'session-expired')
    return (
      <section
        className="connection-banner"
        role="status"
        data-testid="connection-banner"
        data-status="session-expired"
      >
        The host restarted; reloading this page to reconnect…
      </section>
    );
  if (connection.status === 'degraded')
    return (
      <section
        className="connection-banner degraded"
        role="status"
        data-testid="connection-banner"
        data-status="degraded"
      >
        <strong>The durable engine is {connection.serverState}.</strong> The host restarts it by
        itself; campaigns continue where they were once it is ready.
        {connection.dataDirProblem ? <DataDirProblem text={connection.dataDirProblem} /> : null}
      </section>
    );
  if (connection.status === 'online' && connection.dataDirProblem)
    return (
      <section
        className="connection-banner degraded"
        role="alert"
        data-testid="connection-banner"
        data-status="data-dir"
      >
        <DataDirProblem text={connection.dataDirProblem} />
      </section>
    );
  return null;
}

function DataDirProblem(props: { text: string }) {
  return (
    <span data-testid="data-dir-problem">
      {' '}
      <strong>Data dir problem:</strong> {props.text}. Campaigns cannot progress until it takes
      writes again (free space, or make it writable).
    </span>
  );
}
