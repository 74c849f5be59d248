import http2 from 'node:http2';
import * as restate from '@restatedev/restate-sdk';
import type { ServiceDefinitionList } from '../host/services-endpoint.js';
import type { StructuredLogger } from '../host/structured-logger.js';
import { SPECTRA_SERVICE_DEFAULTS } from './service-defaults.js';

export interface NetworkEndpoint {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A services endpoint on any address (a worker, or a host in cluster mode):
 * HTTP/2, only requests signed with one of the cluster's request-identity keys
 * (unsigned calls get 401), and Spectra's retry and retention defaults in the
 * manifest so the cluster needs no Spectra-specific server config.
 */
export async function startNetworkEndpoint(options: {
  services: ServiceDefinitionList;
  host: string;
  port: number;
  identityKeys: string[];
  logger: StructuredLogger;
}): Promise<NetworkEndpoint> {
  const log = options.logger.child({ component: 'services' });
  const handler = restate.createEndpointHandler({
    services: options.services,
    identityKeys: options.identityKeys,
    defaultServiceOptions: SPECTRA_SERVICE_DEFAULTS,
    logger: (meta, message, ...rest) => {
      if (meta.replaying) return;
      const text = [message, ...rest]
        .map((part) => (part instanceof Error ? part.message : String(part)))
        .join(' ');
      const level =
        meta.level === 'error'
          ? 'error'
          : meta.level === 'warn'
            ? 'warn'
            : meta.level === 'info'
              ? 'info'
              : 'debug';
      log[level](text, {
        invocationId: meta.context?.invocationId,
        target: meta.context?.invocationTarget,
      });
    },
  });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const bound = server.address();
  return {
    host: options.host,
    port: typeof bound === 'object' && bound ? bound.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Streaming invocations keep HTTP/2 sessions open; close() would wait for them.
        for (const session of sessions) session.destroy();
      }),
  };
}
