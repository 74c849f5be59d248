import { RENDERER_CONTENT_SECURITY_POLICY } from '../browser-mode/browser-mode-server.js';

/**
 * The CSP the Electron shell sends with every renderer response: the same
 * policy as browser mode (only our own origin, nothing from the network).
 *
 * In development the page comes from electron-vite's dev server, whose
 * React-refresh preamble is an inline script and whose hot reload talks over a
 * WebSocket to the dev server itself; only those two are added, and only when
 * a development server is given (never in a packaged app).
 */
export function rendererContentSecurityPolicy(developmentServerUrl?: string): string {
  if (!developmentServerUrl) return RENDERER_CONTENT_SECURITY_POLICY;
  const server = new URL(developmentServerUrl);
  const webSocketOrigin = `${server.protocol === 'https:' ? 'wss' : 'ws'}://${server.host}`;
  return RENDERER_CONTENT_SECURITY_POLICY.split('; ')
    .map((directive) => {
      if (directive.startsWith('script-src ')) return `${directive} 'unsafe-inline'`;
      if (directive.startsWith('connect-src ')) return `${directive} ${webSocketOrigin}`;
      return directive;
    })
    .join('; ');
}
