import { onlineManager, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useNow } from '../../lib/hooks';
import { connectionOf, useHealth, type Connection } from '../../queries/connection-queries';

const ConnectionContext = createContext<Connection>({ status: 'connecting' });

/** A page reload after a host restart happens at most this often (no reload loop). */
const RELOAD_GUARD_MS = 15_000;
const RELOADED_AT = 'spectra:reloaded-at';

/**
 * Watches the host and tells the whole app the truth about it. While nothing
 * answers, TanStack Query's online manager is switched off, so every other
 * query and mutation pauses instead of failing in its own corner; when the
 * host answers again everything is refetched at once. A host that restarted
 * has a new session token: the page loads again (same address, same screen).
 */
export function ConnectionProvider(props: { children: ReactNode }) {
  const health = useHealth();
  const client = useQueryClient();
  const firstErrorAt = useRef<number | undefined>(undefined);
  if (health.isError && firstErrorAt.current === undefined)
    firstErrorAt.current = health.errorUpdatedAt;
  if (health.isSuccess && health.dataUpdatedAt >= health.errorUpdatedAt)
    firstErrorAt.current = undefined;
  const connection = connectionOf({
    data: health.data,
    error: health.error,
    dataUpdatedAt: health.dataUpdatedAt,
    errorUpdatedAt: health.errorUpdatedAt,
    firstErrorAt: firstErrorAt.current,
  });
  const status = connection.status;

  useEffect(() => {
    if (status === 'offline') onlineManager.setOnline(false);
    if (status === 'online' || status === 'degraded') {
      if (!onlineManager.isOnline()) {
        onlineManager.setOnline(true);
        void client.invalidateQueries();
      }
    }
    if (status === 'session-expired') {
      const last = Number(sessionStorage.getItem(RELOADED_AT) ?? 0);
      if (Date.now() - last > RELOAD_GUARD_MS) {
        sessionStorage.setItem(RELOADED_AT, String(Date.now()));
        window.location.reload();
      }
    }
  }, [status, client]);

  const value = useMemo(
    () => connection,
    // A new object every render; only a change of content should re-render the app.
    [JSON.stringify(connection)],
  );
  return <ConnectionContext.Provider value={value}>{props.children}</ConnectionContext.Provider>;
}

export function useConnection(): Connection {
  return useContext(ConnectionContext);
}

/** Whether actions (submit, cancel, approve, triage) can reach the host now. */
export function useActionsAllowed(): boolean {
  const status = useConnection().status;
  return status === 'online' || status === 'degraded' || status === 'connecting';
}

/**
 * The current time for elapsed-time displays; frozen at the last contact
 * while the host is unreachable, so nothing looks like it is still running.
 */
export function useLiveNow(intervalMs = 1000): number {
  const now = useNow(intervalMs);
  const connection = useConnection();
  return connection.status === 'offline' ? (connection.lastContactAt ?? now) : now;
}
