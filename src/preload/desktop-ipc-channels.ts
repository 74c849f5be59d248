/**
 * Every IPC channel between the preload and main, in one place (imported by
 * both; nothing else may be used). Payload schemas are the shared zod schemas
 * of src/shared/shell-contract.ts.
 */
export const DESKTOP_IPC_CHANNELS = {
  /** renderer -> main, invoke: NotificationRequest -> void */
  notify: 'spectra:notify',
  /** renderer -> main, invoke: no payload -> ServerState */
  serverState: 'spectra:server-state',
  /** main -> renderer, send: ServerState, on every change */
  serverStateChanged: 'spectra:server-state-changed',
} as const;

export type DesktopIpcChannel = (typeof DESKTOP_IPC_CHANNELS)[keyof typeof DESKTOP_IPC_CHANNELS];
