import { describe, expect, it } from 'vitest';
import {
  isNavigationAllowed,
  isPermissionGranted,
  isSessionRequestAllowed,
} from './security-policy.js';

describe('isNavigationAllowed', () => {
  it('allows our own pages only', () => {
    expect(isNavigationAllowed('app://spectra/threats')).toBe(true);
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'app://other/',
      'javascript:alert(1)',
      'data:text/html,<h1>x</h1>',
    ]) {
      expect(isNavigationAllowed(url), url).toBe(false);
    }
  });
});

describe('isPermissionGranted', () => {
  it('denies by default', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'hid']) {
      expect(isPermissionGranted(permission, 'app://spectra/'), permission).toBe(false);
    }
  });

  it('grants clipboard writes to our origin only', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', 'app://spectra')).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    expect(isPermissionGranted('clipboard-sanitized-write', undefined)).toBe(false);
  });
});

describe('isSessionRequestAllowed', () => {
  it('keeps the app off the network', () => {
    expect(isSessionRequestAllowed('app://spectra/assets/index.js')).toBe(true);
    expect(isSessionRequestAllowed('data:image/png;base64,AA==')).toBe(true);
    expect(isSessionRequestAllowed('blob:app://spectra/1234')).toBe(true);
    for (const url of [
      'https://fonts.googleapis.com/css',
      'http://127.0.0.1:8080/Diagnostics/runtime',
      'ws://localhost:5173/',
      'file:///etc/passwd',
      'https://redirector.gvt1.com/edgedl/chrome/dict/en-us-10-1.bdic',
    ]) {
      expect(isSessionRequestAllowed(url), url).toBe(false);
    }
  });

  it('allows the dev server hot-reload socket in development only', () => {
    const dev = 'http://localhost:5173';
    expect(isSessionRequestAllowed('ws://localhost:5173/?token=x', dev)).toBe(true);
    expect(isSessionRequestAllowed('ws://localhost:9999/', dev)).toBe(false);
    expect(isSessionRequestAllowed('http://localhost:5173/src/main.tsx', dev)).toBe(false);
  });
});
