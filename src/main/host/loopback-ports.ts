import { createServer } from 'node:net';

export const LOOPBACK_HOST = '127.0.0.1';

/** Resolves true when nothing listens on 127.0.0.1:port right now. */
export function isLoopbackPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: LOOPBACK_HOST, port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** Asks the kernel for a free loopback port. */
export function pickFreeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: LOOPBACK_HOST, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free loopback port'))));
    });
  });
}

/**
 * Reuses `preferred` when it is still free, otherwise picks a new port. Ports
 * are kept stable across restarts on purpose: the services endpoint's address
 * is what in-flight invocations are pinned to, and the CLI finds the host by it.
 */
export async function reuseOrPickPort(
  preferred: number | undefined,
  taken: Set<number>,
): Promise<number> {
  if (preferred && !taken.has(preferred) && (await isLoopbackPortFree(preferred))) return preferred;
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await pickFreeLoopbackPort();
    if (!taken.has(port)) return port;
  }
  throw new Error('could not find a free loopback port');
}
