import { timingSafeEqual } from 'node:crypto';
import { SESSION_TOKEN_HEADER } from '../../shared/shell-contract.js';

export interface GuardedRequest {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  token: string | undefined;
}

/**
 * Decides whether a request to a shell's same-origin backend (browser mode's
 * proxy, Electron's app:// scheme) may pass. The
 * ingress itself answers CORS preflights from any origin, so the proxy is the
 * only way in and refuses anything a foreign web page could send:
 * - Host must be the proxy's own loopback address (defeats DNS rebinding);
 * - an Origin, when present, must be our own (cross-site form posts, fetch);
 * - the per-session token must be in a custom header, which no cross-origin
 *   page can set without a CORS preflight, and preflights are never answered.
 * Returns undefined when allowed, else the reason for the 403.
 */
export function refuseForeignRequest(
  request: GuardedRequest,
  ownOrigin: string,
  sessionToken: string,
): string | undefined {
  const ownHost = new URL(ownOrigin).host;
  if (request.method === 'OPTIONS') return 'cross-origin preflight refused';
  if (request.host !== ownHost) return `unexpected Host "${request.host ?? ''}"`;
  if (request.origin !== undefined && request.origin !== ownOrigin)
    return `foreign Origin "${request.origin}"`;
  if (
    request.secFetchSite !== undefined &&
    !['same-origin', 'none'].includes(request.secFetchSite)
  ) {
    return `cross-site request (${request.secFetchSite})`;
  }
  if (!request.token || !constantTimeEquals(request.token, sessionToken))
    return 'missing or wrong session token';
  return undefined;
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The guarded fields of a fetch-style request; its Host is the one in its URL. */
export function guardedRequestOf(request: Request): GuardedRequest {
  return {
    method: request.method,
    host: new URL(request.url).host,
    origin: request.headers.get('origin') ?? undefined,
    secFetchSite: request.headers.get('sec-fetch-site') ?? undefined,
    token: request.headers.get(SESSION_TOKEN_HEADER) ?? undefined,
  };
}
