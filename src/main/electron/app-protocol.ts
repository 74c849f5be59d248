import { forwardToIngress, handleBackendApi, jsonResponse } from '../backend/backend-api.js';
import { guardedRequestOf, refuseForeignRequest } from '../backend/backend-request-guard.js';
import type { Host } from '../host/host-runtime.js';
import type { StructuredLogger } from '../host/structured-logger.js';
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from './app-origin.js';
import {
  serveFromDevelopmentServer,
  serveRendererFile,
  textResponse,
  type ShellAnnouncement,
} from './renderer-files.js';

/** Where the page itself comes from: the built files, or electron-vite's dev server. */
export type RendererSource =
  | { kind: 'files'; directory: string }
  | { kind: 'development-server'; url: string };

export interface AppProtocolOptions {
  /** The running host; waited for, so requests made during start-up are answered once it is up. */
  host: () => Promise<Host>;
  renderer: RendererSource;
  sessionToken: string;
  contentSecurityPolicy: string;
  logger?: Pick<StructuredLogger, 'warn'>;
  /** Used to reach the development server (tests inject a fake). */
  fetchUpstream?: typeof fetch;
}

/** Same-origin base of the ingress the page is told to use: identical to browser mode. */
export const BACKEND_BASE = '/ingress';

/**
 * The `app://spectra` protocol handler (Electron-free: fetch `Request` in,
 * `Response` out, given to `protocol.handle`). On our one origin it answers
 *   /ingress/...  forwarded to restate-server's ingress on 127.0.0.1,
 *   /api/...      the host's read-only API,
 *   anything else the renderer (files, or the dev server in development).
 * Server ports therefore never reach a page: only main talks to them.
 */
export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  const announcement: ShellAnnouncement = {
    backendBase: BACKEND_BASE,
    sessionToken: options.sessionToken,
  };
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return textResponse(400, 'Bad request');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST)
      return textResponse(404, 'Not found');

    const path = url.pathname;
    if (path.startsWith('/ingress/') || path.startsWith('/api/')) {
      const refusal = refuseForeignAppRequest(request, options.sessionToken);
      if (refusal) {
        options.logger?.warn('refused a request to the app:// backend', { path, reason: refusal });
        return textResponse(403, `Forbidden: ${refusal}`);
      }
      let host: Host;
      try {
        host = await options.host();
      } catch (error) {
        return jsonResponse(503, { error: `host not running: ${(error as Error).message}` });
      }
      return path.startsWith('/ingress/')
        ? forwardToIngress(host.ingress, request)
        : handleBackendApi(host, request);
    }

    if (request.method !== 'GET' && request.method !== 'HEAD')
      return textResponse(405, 'Method not allowed');
    return options.renderer.kind === 'files'
      ? serveRendererFile(
          options.renderer.directory,
          path,
          announcement,
          options.contentSecurityPolicy,
        )
      : serveFromDevelopmentServer(
          options.renderer.url,
          request,
          announcement,
          options.contentSecurityPolicy,
          options.fetchUpstream,
        );
  };
}

/**
 * Only our own page may use the backend. No other origin can be loaded in our
 * session (navigation is refused), so this is defence in depth: an Origin, when
 * sent, must be ours; Fetch Metadata, when sent, must say same-origin; the
 * per-run session token the shell put in the page must be in its header; and
 * CORS preflights are never answered. Returns the reason to refuse, if any.
 */
export function refuseForeignAppRequest(
  request: Request,
  sessionToken: string,
): string | undefined {
  return refuseForeignRequest(guardedRequestOf(request), APP_ORIGIN, sessionToken);
}
