import { QueryClient } from '@tanstack/react-query';
import { UnexpectedBackendData } from './parse-backend';

/** Failed reads wait 1 s, 2 s, 4 s … up to this before trying again. */
export const MAX_RETRY_DELAY_MS = 30_000;

/** The delay before retry number `attempt` (0-based): doubling, capped. */
export function retryDelay(attempt: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** attempt);
}

/**
 * The one server-state cache of the renderer. Answers are structurally shared
 * (an unchanged answer keeps the old objects, so nothing re-renders for it);
 * polling pauses while the page is hidden and refetches when it is shown again.
 * A malformed answer is not retried: asking again would get the same answer.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) => !(error instanceof UnexpectedBackendData) && failures < 3,
        retryDelay,
        refetchOnWindowFocus: true,
        refetchIntervalInBackground: false,
        staleTime: 500,
      },
      mutations: { retry: false },
    },
  });
}
