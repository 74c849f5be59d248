import { SESSION_TOKEN_HEADER, ShellKind } from '../../../shared/shell-contract';

/** What the shell announced in `<meta name="spectra-shell">` (see src/shared/shell-contract.ts). */
export interface ShellConfig {
  shell: ShellKind;
  /** Absolute ingress base URL on the page's own origin. */
  ingressUrl: string;
  /** The page's own origin, where `/api/...` lives. */
  apiBase: string;
  headers: Record<string, string>;
}

export class ShellConfigMissing extends Error {}

/** Reads the shell's announcement; throws when the page was not served by a Spectra shell. */
export function readShellConfig(
  document: Pick<Document, 'querySelector'>,
  pageUrl: string,
): ShellConfig {
  const meta = document.querySelector('meta[name="spectra-shell"]');
  const shell = ShellKind.safeParse(meta?.getAttribute('content'));
  const backend = meta?.getAttribute('data-backend');
  const token = meta?.getAttribute('data-token');
  if (!meta || !shell.success || !backend || !token) {
    throw new ShellConfigMissing(
      'This page was not opened through Spectra-Red (the shell announcement is missing).',
    );
  }
  return {
    shell: shell.data,
    ingressUrl: new URL(backend, pageUrl).href.replace(/\/$/, ''),
    apiBase: new URL('/', pageUrl).href.replace(/\/$/, ''),
    headers: { [SESSION_TOKEN_HEADER]: token },
  };
}
