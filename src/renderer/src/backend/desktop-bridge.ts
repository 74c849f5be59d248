import type { DesktopBridge } from '../../../shared/shell-contract';

/** The Electron preload's bridge; undefined in browser mode. */
export function desktopBridge(target: object = globalThis): DesktopBridge | undefined {
  const bridge = (target as { spectraDesktop?: DesktopBridge }).spectraDesktop;
  return bridge && typeof bridge.notify === 'function' ? bridge : undefined;
}

/** Whether the analyst is looking at the page right now (visible and focused). */
export function pageAttended(document: Pick<Document, 'visibilityState' | 'hasFocus'>): boolean {
  return document.visibilityState !== 'hidden' && document.hasFocus();
}
