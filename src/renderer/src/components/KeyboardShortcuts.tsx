import { useEffect, useRef, useState } from 'react';
import { routeHref } from '../lib/route';
import { isTypingTarget, pressKey, SHORTCUTS } from '../lib/shortcuts';

/** How long the first key of a two-key shortcut waits for the second. */
const SEQUENCE_TIMEOUT_MS = 1500;

/**
 * The app's keyboard shortcuts (`g t`: Threats, `/`: search, `?`: this help).
 * Keys typed into a field, or pressed with Ctrl/Alt/Meta, are left alone.
 */
export function KeyboardShortcuts() {
  const [helpOpen, setHelpOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    let pending: string[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.altKey || event.metaKey || isTypingTarget(event.target)) return;
      if (dialog.current?.open) return;
      const result = pressKey(pending, event.key);
      pending = result.pending;
      if (timer) clearTimeout(timer);
      if (pending.length > 0) timer = setTimeout(() => (pending = []), SEQUENCE_TIMEOUT_MS);
      const action = result.matched?.action;
      if (!action) return;
      event.preventDefault();
      if (action.kind === 'go') window.location.hash = routeHref(action.route);
      else if (action.kind === 'help') setHelpOpen(true);
      else document.querySelector<HTMLElement>('main [type="search"]')?.focus();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      if (timer) clearTimeout(timer);
    };
  }, []);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (helpOpen && !element.open) element.showModal();
    if (!helpOpen && element.open) element.close();
  }, [helpOpen]);

  return (
    <dialog
      ref={dialog}
      className="card shortcut-help"
      aria-labelledby="shortcut-help-title"
      data-testid="shortcut-help"
      onClose={() => setHelpOpen(false)}
    >
      <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.keys.join(' ')}>
              <td>
                {shortcut.keys.map((key, index) => (
                  <span key={index}>
                    {index > 0 ? ' then ' : ''}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </td>
              <td>{shortcut.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog" className="form-actions" style={{ marginTop: 12 }}>
        <button type="submit" className="primary" data-testid="shortcut-help-close">
          Close
        </button>
      </form>
    </dialog>
  );
}
