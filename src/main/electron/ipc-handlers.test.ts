import { describe, expect, it, vi } from 'vitest';
import { DESKTOP_IPC_CHANNELS } from '../../preload/desktop-ipc-channels.js';
import { createDesktopIpcHandlers, IpcRefused, isTrustedSender } from './ipc-handlers.js';

const APP_FRAME = 'app://spectra/campaigns/1';

function setup(focused = false) {
  const showNotification = vi.fn();
  const handlers = createDesktopIpcHandlers({
    isWindowFocused: () => focused,
    showNotification,
    serverState: () => 'restarting',
  });
  const call = (channel: string, sender: string | undefined, ...args: unknown[]) =>
    handlers[channel]!(sender, args);
  return { handlers, showNotification, call };
}

describe('isTrustedSender', () => {
  it.each(['app://spectra/', 'app://spectra/index.html', 'app://spectra'])('accepts %s', (url) => {
    expect(isTrustedSender(url)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'http://localhost:5173/',
    'https://spectra/',
    'app://evil/',
    'app://spectra.evil/',
    'app://user@spectra/',
    'file:///work/main/out/renderer/index.html',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isTrustedSender(url)).toBe(false);
  });
});

describe('desktop IPC handlers', () => {
  it('has a handler for every invoke channel and nothing else', () => {
    expect(Object.keys(setup().handlers).sort()).toEqual(
      [DESKTOP_IPC_CHANNELS.notify, DESKTOP_IPC_CHANNELS.serverState].sort(),
    );
  });

  it('raises a notification when the window is not focused', () => {
    const { call, showNotification } = setup(false);
    call(DESKTOP_IPC_CHANNELS.notify, APP_FRAME, { title: 'Approval needed', body: 'Deep scan' });
    expect(showNotification).toHaveBeenCalledWith({ title: 'Approval needed', body: 'Deep scan' });
  });

  it('stays quiet when the window is focused', () => {
    const { call, showNotification } = setup(true);
    call(DESKTOP_IPC_CHANNELS.notify, APP_FRAME, { title: 'Approval needed', body: '' });
    expect(showNotification).not.toHaveBeenCalled();
  });

  it.each([
    ['no payload', []],
    ['a string', ['hello']],
    ['an empty title', [{ title: '', body: 'x' }]],
    ['a title too long', [{ title: 'x'.repeat(121), body: 'x' }]],
    ['a body too long', [{ title: 'x', body: 'x'.repeat(501) }]],
    ['a wrong type', [{ title: 1, body: 'x' }]],
    ['an extra field', [{ title: 'x', body: 'y', icon: '/etc/passwd' }]],
    ['an extra argument', [{ title: 'x', body: 'y' }, 'more']],
  ])('refuses a notify payload with %s', (_what, args) => {
    const { handlers, showNotification } = setup(false);
    expect(() => handlers[DESKTOP_IPC_CHANNELS.notify]!(APP_FRAME, args)).toThrow(IpcRefused);
    expect(showNotification).not.toHaveBeenCalled();
  });

  it('refuses every channel from a foreign frame before looking at the payload', () => {
    const { call, showNotification } = setup(false);
    for (const sender of ['http://localhost:5173/', 'https://evil.example/', undefined]) {
      expect(() => call(DESKTOP_IPC_CHANNELS.notify, sender, { title: 'x', body: 'y' })).toThrow(
        /sender is not the app/,
      );
      expect(() => call(DESKTOP_IPC_CHANNELS.serverState, sender)).toThrow(IpcRefused);
    }
    expect(showNotification).not.toHaveBeenCalled();
  });

  it('answers the current server state, with no payload allowed', () => {
    const { call } = setup();
    expect(call(DESKTOP_IPC_CHANNELS.serverState, APP_FRAME)).toBe('restarting');
    expect(() => call(DESKTOP_IPC_CHANNELS.serverState, APP_FRAME, 'extra')).toThrow(IpcRefused);
  });

  it('uses distinct channel names', () => {
    const names = Object.values(DESKTOP_IPC_CHANNELS);
    expect(new Set(names).size).toBe(names.length);
  });
});
