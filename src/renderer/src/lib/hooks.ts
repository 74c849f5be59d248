import { useEffect, useState, useSyncExternalStore } from 'react';
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

/** Sets the document title for the screen on show (WCAG 2.4.2: each screen names itself). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Spectra-Red`;
  }, [title]);
}
