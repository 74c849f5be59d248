import { isAppUrl } from './app-origin.js';

/**
 * Decisions for the window's guards, kept apart from Electron so they are
 * unit-tested. secure-window.ts applies them.
 */

/** The window only ever shows our own origin; links elsewhere are refused, not opened. */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/**
 * Web permissions granted to our own origin; everything else (camera,
 * geolocation, notifications through the web API, HID, serial, ...) is denied.
 * Native notifications go through the `notify` bridge function instead.
 */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionGranted(
  permission: string,
  requestingUrl: string | undefined,
): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}

/**
 * Requests the session may make. Everything the page needs is on `app:`
 * (answered in main); `data:`/`blob:` stay in the page and `devtools:` is the
 * bundled inspector. Anything that would reach a network (http, https, ws,
 * ftp, file) is cancelled, except the dev server's hot-reload socket in
 * development.
 */
export function isSessionRequestAllowed(url: string, developmentServerUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (isAppUrl(url)) return true;
  if (['data:', 'blob:', 'devtools:'].includes(parsed.protocol)) return true;
  if (developmentServerUrl) {
    const server = new URL(developmentServerUrl);
    const socketProtocol = server.protocol === 'https:' ? 'wss:' : 'ws:';
    return parsed.protocol === socketProtocol && parsed.host === server.host;
  }
  return false;
}
