import { useEffect, useState, useSyncExternalStore } from 'react';
import { parseRoute, routeSearch, type Route } from './route';

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

/** Fired after the filters in the hash change without a navigation (replaceState is silent). */
const SEARCH_CHANGED = 'spectra:search-changed';

function subscribeToSearch(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  window.addEventListener(SEARCH_CHANGED, listener);
  return () => {
    window.removeEventListener('hashchange', listener);
    window.removeEventListener(SEARCH_CHANGED, listener);
  };
}

/**
 * A screen's filters, kept in the URL (`#/threats?severity=critical`) so a
 * reload or a shared link shows the same list. Editing a filter replaces the
 * history entry instead of adding one per keystroke. Coming back to the
 * screen through the navigation (no filters in the URL) restores the last ones.
 */
export function useUrlFilters(
  remembered: string,
  remember: (search: string) => void,
): [URLSearchParams, (patch: Record<string, string | undefined>) => void] {
  const hash = useSyncExternalStore(subscribeToSearch, () => window.location.hash);
  const search = routeSearch(hash);
  useEffect(() => {
    if (search.toString() === '' && remembered !== '') writeSearch(remembered);
    // Only on arrival: later changes are written by `update` itself.
  }, []);
  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(routeSearch(window.location.hash));
    for (const [key, value] of Object.entries(patch)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const text = next.toString();
    remember(text);
    writeSearch(text);
  };
  return [search, update];
}

function writeSearch(search: string): void {
  const base = window.location.hash.replace(/\?.*$/, '') || '#/';
  window.history.replaceState(null, '', search ? `${base}?${search}` : base);
  window.dispatchEvent(new Event(SEARCH_CHANGED));
}
