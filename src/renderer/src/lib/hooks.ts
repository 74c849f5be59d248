import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { documentVisibility, startPolling } from './poller';
import { parseRoute, type Route } from './route';

/** The current time, refreshed every `intervalMs` (for elapsed times and countdowns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function subscribeToHash(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribeToHash, () => window.location.hash);
  return parseRoute(hash);
}

export interface PollingSettings {
  intervalMs: number;
  hiddenIntervalMs?: number;
  maxBackoffMs?: number;
}

/**
 * Polls while mounted (and while `enabled`): `task` resolves to whether to
 * keep polling. Slows down while the document is hidden, polls at once when
 * it becomes visible again, and backs off after failures.
 */
export function usePolling(
  task: () => Promise<boolean>,
  key: string,
  settings: PollingSettings,
  enabled = true,
): void {
  const taskRef = useRef(task);
  taskRef.current = task;
  const { intervalMs, hiddenIntervalMs, maxBackoffMs } = settings;
  useEffect(() => {
    if (!enabled) return undefined;
    return startPolling(() => taskRef.current(), {
      intervalMs,
      hiddenIntervalMs: hiddenIntervalMs ?? Math.max(intervalMs * 10, 10_000),
      maxBackoffMs: maxBackoffMs ?? 30_000,
      visibility: documentVisibility(document),
    });
  }, [key, enabled, intervalMs, hiddenIntervalMs, maxBackoffMs]);
}
