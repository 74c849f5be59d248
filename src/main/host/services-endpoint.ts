import { createHash } from 'node:crypto';
import http2 from 'node:http2';
import * as restate from '@restatedev/restate-sdk';
import { collectGarbageWhenIdle } from './idle-garbage-collection.js';
import { LOOPBACK_HOST } from './loopback-ports.js';
import { provideServicesRuntime } from './services-node-version.js';
import type { StructuredLogger } from './structured-logger.js';

export type ServiceDefinitionList = restate.EndpointOptions['services'];

/**
 * The host log's level for a line of the SDK. Its own per-invocation lines
 * (source JOURNAL: "Starting invocation.", "Invocation completed
 * successfully.") are debug, below what the host writes: restate-server
 * records every invocation already (sys_invocation), and at two lines per
 * invocation, about 250 per 4,096-host campaign, they rotated the host's
 * warnings out of the 10 MB host.log within a few hundred campaigns, with a
 * synchronous write each. Warnings and errors keep their level, and so do
 * handlers' own lines (source USER): the Scanner logs each batch it starts,
 * so a worker's log still shows what it scanned.
 */
export function hostLogLevel(meta: {
  level: string;
  source: string;
}): 'error' | 'warn' | 'info' | 'debug' {
  if (meta.level === 'error' || meta.level === 'warn') return meta.level;
  return meta.level === 'info' && meta.source !== 'JOURNAL' ? 'info' : 'debug';
}

export interface ServicesEndpoint {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the Restate services over HTTP/2 (bidirectional streaming), on
 * loopback unless told otherwise (a worker, or a host in cluster mode). Only
 * requests signed with one of `identityKeys` (request identity) are accepted,
 * so no other process can invoke handlers directly; unsigned calls get 401.
 */
export async function startServicesEndpoint(options: {
  services: ServiceDefinitionList;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port (the bound one is returned). */
  port: number;
  /** Public keys (`publickeyv1_...`); several while a key rotates. */
  identityKeys: string[];
  /** Per-service defaults in the manifest (cluster mode: no Spectra-specific server config). */
  defaultServiceOptions?: restate.EndpointOptions['defaultServiceOptions'];
  logger: StructuredLogger;
}): Promise<ServicesEndpoint> {
  provideServicesRuntime();
  const host = options.host ?? LOOPBACK_HOST;
  const handlerLogger = options.logger.child({ component: 'services' });
  const handler = restate.createEndpointHandler({
    services: options.services,
    identityKeys: options.identityKeys,
    ...(options.defaultServiceOptions && { defaultServiceOptions: options.defaultServiceOptions }),
    logger: (meta, message, ...rest) => {
      // Replayed log lines were already written the first time round.
      if (meta.replaying) return;
      const text = [message, ...rest]
        .map((part) => (typeof part === 'string' ? part : inspectValue(part)))
        .join(' ');
      handlerLogger[hostLogLevel(meta)](text, {
        invocationId: meta.context?.invocationId,
        target: meta.context?.invocationTarget,
        source: meta.source,
      });
    },
  });
  const server = http2.createServer(handler);
  const idleCollector = collectGarbageWhenIdle();
  server.on('stream', (stream: http2.ServerHttp2Stream) => {
    idleCollector.streamOpened();
    stream.once('close', () => idleCollector.streamClosed());
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const bound = server.address();
  return {
    host,
    port: typeof bound === 'object' && bound ? bound.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        idleCollector.stop();
        server.close(() => resolve());
        // Restate keeps HTTP/2 sessions open for streaming invocations; without
        // destroying them close() would wait for the server's idle timeout.
        for (const session of sessions) session.destroy();
      }),
  };
}

/**
 * A deployment path that changes whenever the app version or anything in the
 * services' discovery manifest (services, handlers, input and output schemas,
 * options) changes. Restate silently keeps the old schema when an already
 * registered uri is registered again, so a new layout needs a new uri; the SDK
 * ignores the path prefix, so old pinned invocations still reach us.
 */
export async function deploymentPath(
  appVersion: string,
  services: ServiceDefinitionList,
): Promise<string> {
  const fingerprint = createHash('sha256')
    .update(await discoveryManifest(services))
    .digest('hex')
    .slice(0, 10);
  return `/v${appVersion}-${fingerprint}/`;
}

/**
 * The manifest restate-server's discovery request gets, answered in process
 * by an identity-free handler; nothing listens on a port for it. The SDK's
 * Node handler is given a stand-in for the request and response objects (it
 * reads a URL and headers, and writes a head and a body): the SDK's fetch
 * handler would need Request and Response, whose module (undici) then stayed
 * in every host (Node 22: ~14 MB of RSS, measured with smaps_rollup).
 */
function discoveryManifest(services: ServiceDefinitionList): Promise<string> {
  const discover = restate.createEndpointHandler({ services, logger: () => {} });
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] = [];
    const request = {
      url: '/discover',
      httpVersionMajor: 1,
      headers: { accept: 'application/vnd.restate.endpointmanifest.v4+json' },
      // No request body.
      [Symbol.asyncIterator]: async function* () {},
    };
    const response = {
      writeHead(statusCode: number) {
        status = statusCode;
        return response;
      },
      write(chunk: Uint8Array, written: (error?: Error) => void) {
        chunks.push(Buffer.from(chunk));
        written();
        return true;
      },
      end(ended?: () => void) {
        ended?.();
        const body = Buffer.concat(chunks).toString('utf8');
        if (status === 200) resolve(body);
        else reject(new Error(`could not read the services' manifest: ${status} ${body}`));
        return response;
      },
      once() {
        return response;
      },
    };
    (discover as unknown as (request: object, response: object) => void)(request, response);
  });
}

function inspectValue(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
