import { z } from 'zod';

/**
 * The one contract between a shell (Electron main, or browser mode's UI
 * server) and the renderer. Both shells serve the renderer on an origin of
 * their own and answer, on that same origin:
 *   /ingress/<Service>/<handler>...  forwarded to restate-server's ingress
 *   /api/...                          the host's read-only API (health, operations)
 * so the renderer code is identical in both and never learns a server port.
 * The shell announces itself in the page with
 *   <meta name="spectra-shell" content="browser|electron" data-backend="/ingress" data-token="...">
 * and the renderer sends the token in SESSION_TOKEN_HEADER on every backend call.
 */
export const SESSION_TOKEN_HEADER = 'x-spectra-token';

export const ShellKind = z.enum(['browser', 'electron']);
export type ShellKind = z.infer<typeof ShellKind>;

export const ServerState = z.enum([
  'starting',
  'ready',
  'restarting',
  'failed',
  'stopping',
  'stopped',
]);
export type ServerState = z.infer<typeof ServerState>;

/** GET /api/health */
export const HostHealth = z.object({
  serverState: ServerState,
  /**
   * One line when the data dir does not take writes right now ("data dir
   * read-only: PATH (EROFS)", "data dir full: ..."), else null. The UI shows it
   * in its connection banner; campaigns cannot progress until it clears.
   */
  dataDirProblem: z.string().nullable().default(null),
});
export type HostHealth = z.infer<typeof HostHealth>;

/** A native notification the renderer may ask the Electron shell to raise (approvals). */
export const NotificationRequest = z.object({
  title: z.string().min(1).max(120),
  body: z.string().max(500),
});
export type NotificationRequest = z.infer<typeof NotificationRequest>;

/**
 * What the Electron preload exposes as `window.spectraDesktop` (absent in
 * browser mode): one function per operation, nothing else.
 */
export interface DesktopBridge {
  readonly shell: 'electron';
  /** Raises a native notification when the window is not focused; resolves when shown or skipped. */
  notify(request: NotificationRequest): Promise<void>;
  /** Subscribes to restate-server state changes; returns the unsubscribe function. */
  onServerState(listener: (state: ServerState) => void): () => void;
}
