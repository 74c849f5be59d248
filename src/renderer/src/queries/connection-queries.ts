import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { ServerState } from '../../../shared/shell-contract';
import { SessionRejected, type SpectraBackend } from '../backend/spectra-backend';
import { useBackend } from './backend-context';
import { parseBackend } from './parse-backend';

/** How often the host is asked whether it is there (cheap: no Restate call). */
export const HEALTH_POLL_MS = 2000;

/**
 * `GET /api/health`. `dataDirProblem` is one line when the data dir takes no
 * writes (read-only, full); hosts that do not report it leave it out.
 */
export const HealthAnswer = z.object({
  serverState: ServerState,
  dataDirProblem: z.string().nullable().optional(),
});
export type HealthAnswer = z.infer<typeof HealthAnswer>;

export function healthQuery(backend: SpectraBackend) {
  return queryOptions({
    queryKey: ['health'] as const,
    queryFn: async () => parseBackend(HealthAnswer, await backend.health(), 'health answer'),
    refetchInterval: HEALTH_POLL_MS,
    refetchIntervalInBackground: true,
    // Each poll is its own attempt: a failure shows at once, the next poll is the retry.
    retry: false,
    // The one query that keeps asking while the app believes it is offline.
    networkMode: 'always',
  });
}

/** What the UI may believe about the host right now. */
export type Connection =
  | { status: 'connecting' }
  | { status: 'online'; dataDirProblem?: string }
  /** The host answers but its durable engine is not ready (starting, restarting, failed). */
  | { status: 'degraded'; serverState: ServerState; dataDirProblem?: string }
  /** Nothing answers: every value on screen is as of `lastContactAt`. */
  | { status: 'offline'; since: number; lastContactAt?: number }
  /** The host restarted with a new session token: the page must load again. */
  | { status: 'session-expired' };

/** The connection state from the health query's last answer or error. */
export function connectionOf(state: {
  data?: HealthAnswer;
  error: unknown;
  dataUpdatedAt: number;
  errorUpdatedAt: number;
  firstErrorAt?: number;
}): Connection {
  const failedLast = state.error !== null && state.errorUpdatedAt >= state.dataUpdatedAt;
  if (failedLast) {
    if (state.error instanceof SessionRejected) return { status: 'session-expired' };
    // Unreachable, or an answer that is not the host's: either way nothing can be trusted.
    return {
      status: 'offline',
      since: state.firstErrorAt ?? state.errorUpdatedAt,
      ...(state.dataUpdatedAt ? { lastContactAt: state.dataUpdatedAt } : {}),
    };
  }
  if (!state.data) return { status: 'connecting' };
  const dataDirProblem = state.data.dataDirProblem ?? undefined;
  if (state.data.serverState !== 'ready')
    return {
      status: 'degraded',
      serverState: state.data.serverState,
      ...(dataDirProblem ? { dataDirProblem } : {}),
    };
  return { status: 'online', ...(dataDirProblem ? { dataDirProblem } : {}) };
}

export function useHealth() {
  return useQuery(healthQuery(useBackend()));
}
