import { z } from 'zod';
import { NotificationRequest, type ServerState } from '../../shared/shell-contract.js';
import type { StructuredLogger } from '../host/structured-logger.js';
import { DESKTOP_IPC_CHANNELS } from '../../preload/desktop-ipc-channels.js';
import { isAppUrl } from './app-origin.js';

export class IpcRefused extends Error {}

/** What the IPC handlers may do in main; Electron objects stay in the composition root. */
export interface DesktopIpcDependencies {
  isWindowFocused(): boolean;
  showNotification(request: NotificationRequest): void;
  serverState(): ServerState;
  logger?: Pick<StructuredLogger, 'warn'>;
}

/** One invoke handler: the URL of the sending frame, then the raw arguments from the page. */
export type DesktopIpcHandler = (senderFrameUrl: string | undefined, args: unknown[]) => unknown;

const NoPayload = z.tuple([]);
const NotifyPayload = z.tuple([NotificationRequest.strict()]);

/**
 * The invoke handlers by channel. Each one first refuses any frame that is
 * not on our own `app://spectra` origin, then parses the arguments with the
 * shared schema (extra arguments or fields are refused too) before acting.
 */
export function createDesktopIpcHandlers(
  dependencies: DesktopIpcDependencies,
): Record<string, DesktopIpcHandler> {
  const guarded =
    <T>(channel: string, schema: z.ZodType<T>, act: (payload: T) => unknown): DesktopIpcHandler =>
    (senderFrameUrl, args) => {
      if (!isTrustedSender(senderFrameUrl)) {
        dependencies.logger?.warn('refused IPC from a foreign frame', {
          channel,
          sender: senderFrameUrl ?? '(none)',
        });
        throw new IpcRefused(`${channel}: sender is not the app`);
      }
      const parsed = schema.safeParse(args);
      if (!parsed.success) {
        dependencies.logger?.warn('refused an invalid IPC payload', { channel });
        throw new IpcRefused(`${channel}: invalid payload: ${z.prettifyError(parsed.error)}`);
      }
      return act(parsed.data);
    };

  return {
    [DESKTOP_IPC_CHANNELS.notify]: guarded(
      DESKTOP_IPC_CHANNELS.notify,
      NotifyPayload,
      ([request]) => {
        // Approvals matter when the analyst is elsewhere; in the window the page shows them.
        if (!dependencies.isWindowFocused()) dependencies.showNotification(request);
      },
    ),
    [DESKTOP_IPC_CHANNELS.serverState]: guarded(DESKTOP_IPC_CHANNELS.serverState, NoPayload, () =>
      dependencies.serverState(),
    ),
  };
}

/** IPC is accepted only from frames showing our own origin (never a subframe of another). */
export function isTrustedSender(senderFrameUrl: string | undefined): boolean {
  return isAppUrl(senderFrameUrl);
}
