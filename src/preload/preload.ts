import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DesktopBridge, NotificationRequest, ServerState } from '../shared/shell-contract.js';
import { DESKTOP_IPC_CHANNELS } from './desktop-ipc-channels.js';

/**
 * The whole of what the page gets from Electron: `window.spectraDesktop`, one
 * function per operation. The page never sees ipcRenderer, channel names or
 * events; main validates every payload again, since the page is untrusted.
 *
 * Sandboxed preloads cannot be ES modules: this file must be built as CommonJS
 * (see the preload output format in electron.vite.config.ts).
 */
const bridge: DesktopBridge = {
  shell: 'electron',

  async notify(request: NotificationRequest): Promise<void> {
    // Only the two known fields cross over, whatever object the page passed.
    await ipcRenderer.invoke(DESKTOP_IPC_CHANNELS.notify, {
      title: request.title,
      body: request.body,
    });
  },

  onServerState(listener: (state: ServerState) => void): () => void {
    let subscribed = true;
    let changeSeen = false;
    const onChange = (_event: IpcRendererEvent, state: ServerState) => {
      changeSeen = true;
      listener(state);
    };
    ipcRenderer.on(DESKTOP_IPC_CHANNELS.serverStateChanged, onChange);
    // The current state first, unless a change overtook the answer (it is newer).
    void ipcRenderer.invoke(DESKTOP_IPC_CHANNELS.serverState).then(
      (state: ServerState) => {
        if (subscribed && !changeSeen) listener(state);
      },
      () => undefined,
    );
    return () => {
      subscribed = false;
      ipcRenderer.removeListener(DESKTOP_IPC_CHANNELS.serverStateChanged, onChange);
    };
  },
};

contextBridge.exposeInMainWorld('spectraDesktop', bridge);
