import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface RoundRobinBalancer {
  host: string;
  port: number;
  /**
   * Which backends new connections go to. Restate keeps its HTTP/2
   * connections open, so the pool changes only for connections made after
   * this: pass `dropConnections` (between campaigns) to make it reconnect.
   */
  setBackends(backends: Backend[], options?: { dropConnections?: boolean }): void;
  /** Connections accepted per backend, `host:port`. */
  connectionsByBackend(): Map<string, number>;
  close(): Promise<void>;
}

/**
 * A TCP round-robin balancer on loopback, as a Kubernetes Service or an L4
 * load balancer stands in front of a worker pool: one address for the
 * cluster to register, each new connection to the next backend, and a
 * backend that refuses the connection (a killed worker) skipped for the next.
 */
export async function startRoundRobinBalancer(backends: Backend[]): Promise<RoundRobinBalancer> {
  let pool = [...backends];
  let next = 0;
  const accepted = new Map<string, number>();
  const sockets = new Set<Socket>();

  const forward = (client: Socket, attemptsLeft: number) => {
    if (pool.length === 0 || attemptsLeft === 0) {
      client.destroy();
      return;
    }
    const backend = pool[next++ % pool.length]!;
    const upstream = connect({ host: backend.host, port: backend.port });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    let connected = false;
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', () => {
      // Never connected (a killed worker): hand the client to the next backend.
      if (!connected) forward(client, attemptsLeft - 1);
      else closeBoth();
    });
    upstream.once('connect', () => {
      connected = true;
      const key = `${backend.host}:${backend.port}`;
      accepted.set(key, (accepted.get(key) ?? 0) + 1);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      client.once('close', closeBoth);
      upstream.once('close', closeBoth);
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    forward(client, Math.max(1, pool.length));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const address = server.address();
  return {
    host: '127.0.0.1',
    port: typeof address === 'object' && address ? address.port : 0,
    setBackends: (backends, options) => {
      pool = [...backends];
      if (options?.dropConnections) for (const socket of sockets) socket.destroy();
    },
    connectionsByBackend: () => new Map(accepted),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
