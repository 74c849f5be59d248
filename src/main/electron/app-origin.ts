/**
 * The renderer's origin in the Electron shell. The page, its assets and its
 * backend (`/ingress/...`, `/api/...`) all live on `app://spectra`, a
 * privileged standard scheme served by main, so the renderer uses the same
 * relative URLs as in browser mode and never learns a server port.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'spectra';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ROOT_URL = `${APP_ORIGIN}/`;

/**
 * Whether `url` belongs to our own origin. Compared on scheme and host rather
 * than `URL.origin`: Node's URL gives custom schemes an opaque "null" origin,
 * while Chromium treats our registered standard scheme like http.
 */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
