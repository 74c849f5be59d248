/** Where a piece of backend data stands; `error` keeps the last good value on screen. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface Loadable<T> {
  status: LoadStatus;
  value: T;
  error?: string;
  /** When the value last came from the backend (ms since epoch). */
  loadedAt?: number;
}

export function idle<T>(value: T): Loadable<T> {
  return { status: 'idle', value };
}
