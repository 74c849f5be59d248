import { BrowserWindow, type Session, type WebContents } from 'electron';
import type { StructuredLogger } from '../host/structured-logger.js';
import {
  isNavigationAllowed,
  isPermissionGranted,
  isSessionRequestAllowed,
} from './security-policy.js';

/**
 * Session-wide hardening, applied before any page loads: web permissions
 * denied unless listed in security-policy.ts, no spellchecker (it downloads
 * dictionaries), and no request leaves the app except the dev server's
 * hot-reload socket in development.
 */
export function hardenSession(
  session: Session,
  options: { developmentServerUrl: string | undefined; logger: StructuredLogger },
): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = isPermissionGranted(permission, details.requestingUrl);
    if (!granted) options.logger.warn('denied a permission request', { permission });
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionGranted(permission, requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
  session.setSpellCheckerEnabled(false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isSessionRequestAllowed(details.url, options.developmentServerUrl);
    if (!allowed) options.logger.warn('cancelled an outbound request', { url: details.url });
    callback({ cancel: !allowed });
  });
}

/**
 * Guards every web contents the app creates (the window, devtools, anything
 * else): no window.open, no navigation or redirect off our origin, no webviews.
 * Refused links are not handed to the OS browser either: the app is offline.
 */
export function guardWebContents(contents: WebContents, logger: StructuredLogger): void {
  contents.setWindowOpenHandler(({ url }) => {
    logger.warn('refused window.open', { url });
    return { action: 'deny' };
  });
  const refuseForeign = (event: { preventDefault(): void }, url: string) => {
    if (isNavigationAllowed(url)) return;
    event.preventDefault();
    logger.warn('refused navigation off the app', { url });
  };
  contents.on('will-navigate', (event, url) => refuseForeign(event, url));
  contents.on('will-frame-navigate', (event) => refuseForeign(event, event.url));
  contents.on('will-redirect', (event, url) => refuseForeign(event, url));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger.warn('refused a webview');
  });
}

export function createSecureWindow(options: {
  preloadScript: string;
  allowDevTools: boolean;
}): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Spectra-Red',
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#111418',
    webPreferences: {
      preload: options.preloadScript,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: options.allowDevTools,
    },
  });
  window.once('ready-to-show', () => window.show());
  return window;
}
