import { randomBytes } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindow } from 'electron';
import { app, dialog, ipcMain, Notification, protocol, session } from 'electron';
import { DESKTOP_IPC_CHANNELS } from '../../preload/desktop-ipc-channels.js';
import { servicesForDataDir } from '../app-services.js';
import { dataDirLayout } from '../host/data-dir.js';
import { startHost, type Host } from '../host/host-runtime.js';
import { createStructuredLogger } from '../host/structured-logger.js';
import { APP_ROOT_URL, APP_SCHEME } from './app-origin.js';
import { createAppProtocolHandler } from './app-protocol.js';
import { rendererContentSecurityPolicy } from './content-security-policy.js';
import { HostLifecycle, createQuitGate } from './host-lifecycle.js';
import { createDesktopIpcHandlers } from './ipc-handlers.js';
import { resolveShellPaths } from './packaged-paths.js';
import { createSecureWindow, guardWebContents, hardenSession } from './secure-window.js';

// Composition root of the Electron main process: it only wires the pieces.

// Must happen before `ready`: app:// behaves like https (standard, secure origin, fetch).
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
]);
app.enableSandbox();

// One data dir name in development and packaged alike (~/.config/Spectra-Red on
// Linux); SPECTRA_USER_DATA_DIR points a test run at a scratch directory.
app.setPath(
  'userData',
  process.env.SPECTRA_USER_DATA_DIR || join(app.getPath('appData'), 'Spectra-Red'),
);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  runShell();
}

function runShell(): void {
  const dataDir = app.getPath('userData');
  const logger = createStructuredLogger({
    file: dataDirLayout(dataDir).hostLogFile,
    echo: app.isPackaged ? undefined : process.stderr,
  });
  const shellLogger = logger.child({ component: 'electron-shell' });
  const paths = resolveShellPaths({
    appPath: app.getAppPath(),
    mainDirectory: dirname(fileURLToPath(import.meta.url)),
    isPackaged: app.isPackaged,
    environment: process.env,
  });
  const sessionToken = randomBytes(24).toString('base64url');
  let window: BrowserWindow | undefined;

  const lifecycle = new HostLifecycle<Host>({
    startHost: () =>
      startHost({
        dataDir,
        appVersion: app.getVersion(),
        services: servicesForDataDir(dataDir, paths.resourcesDirectory),
        logger,
      }),
    onServerState: (state) => {
      if (window && !window.isDestroyed())
        window.webContents.send(DESKTOP_IPC_CHANNELS.serverStateChanged, state);
    },
    onFatal: (error) => {
      shellLogger.error('restate-server failed for good', { error });
      void dialog
        .showMessageBox({
          type: 'error',
          title: 'Spectra-Red',
          message: 'The scan engine (restate-server) keeps crashing and was stopped.',
          detail: `${error.message}\n\nCampaigns are safe on disk and resume at the next start. Logs: ${join(dataDir, 'logs')}`,
          buttons: ['Quit', 'Keep the window open'],
          defaultId: 0,
          cancelId: 1,
        })
        .then(({ response }) => {
          if (response === 0) app.quit();
        });
    },
    onStartFailed: (error) => {
      shellLogger.error('the host did not start', { error });
      dialog.showErrorBox(
        'Spectra-Red could not start',
        `${error.message}\n\nLogs: ${join(dataDir, 'logs')}`,
      );
      app.quit();
    },
  });

  const focusWindow = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  app.on('second-instance', focusWindow);
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, shellLogger));
  app.on('window-all-closed', () => app.quit());
  app.on(
    'before-quit',
    createQuitGate({
      stop: () => lifecycle.stop(),
      quit: () => app.quit(),
      onTimeout: () => shellLogger.warn('host did not stop in time; quitting anyway'),
    }),
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession, {
      developmentServerUrl: paths.developmentServerUrl,
      logger: shellLogger,
    });
    protocol.handle(
      APP_SCHEME,
      createAppProtocolHandler({
        host: () => lifecycle.host(),
        renderer: paths.developmentServerUrl
          ? { kind: 'development-server', url: paths.developmentServerUrl }
          : { kind: 'files', directory: paths.rendererDirectory },
        sessionToken,
        contentSecurityPolicy: rendererContentSecurityPolicy(paths.developmentServerUrl),
        logger: shellLogger,
      }),
    );

    const handlers = createDesktopIpcHandlers({
      isWindowFocused: () => Boolean(window && !window.isDestroyed() && window.isFocused()),
      showNotification: ({ title, body }) => {
        if (!Notification.isSupported()) return;
        const notification = new Notification({ title, body });
        notification.on('click', focusWindow);
        notification.show();
      },
      serverState: () => lifecycle.serverState(),
      logger: shellLogger,
    });
    for (const [channel, handler] of Object.entries(handlers)) {
      ipcMain.handle(channel, (event, ...args: unknown[]) => handler(event.senderFrame?.url, args));
    }

    // The window shows at once; backend requests wait for the host to be up.
    void lifecycle.start().catch(() => undefined);
    window = createSecureWindow({
      preloadScript: paths.preloadScript,
      allowDevTools: !app.isPackaged,
    });
    await window.loadURL(APP_ROOT_URL).catch((error: Error) => {
      shellLogger.error('the window did not load', { error });
    });
  });
}
