import { createServer, type Server, type Socket } from 'node:net';
import type { ProductId } from '../../src/shared/products.js';
import { formatIpv4, parseIpv4 } from '../../src/shared/address-intervals.js';
import { serveConnection, type LabProtocol } from './lab-services.js';

/** What a correct scanner must report for a lab service; other tests derive expected CVEs from it. */
export interface LabExpectation {
  service: string;
  product: ProductId;
  /** Absent when the real product does not reveal it either (Postfix). */
  version?: string;
}

export interface LabServiceDefinition {
  /** A 127.0.0.0/8 address: the lab never listens anywhere else. */
  host: string;
  port: number;
  protocol: LabProtocol;
  /** See `LabServiceBehaviour.banner`: the line, header or version string the service presents. */
  banner: string;
  expected: LabExpectation;
}

export interface LabDefinition {
  name: string;
  services: readonly LabServiceDefinition[];
}

export interface LabConnection {
  host: string;
  port: number;
  remoteAddress: string;
  remotePort: number;
  /** `Date.now()` at accept time. */
  acceptedAt: number;
}

export interface LabConnectionCounts {
  /** Keyed `host:port`. */
  byService: Map<string, number>;
  byHost: Map<string, number>;
}

export interface LoopbackLab {
  /** Distinct hosts in definition order. */
  hosts: readonly string[];
  services: readonly LabServiceDefinition[];
  /**
   * Accepted connections since start or the last `resetLog`. Probes of closed
   * ports never reach the lab (the kernel refuses them), so they are not here.
   */
  connectionLog: readonly LabConnection[];
  connectionCounts(): LabConnectionCounts;
  resetLog(): void;
  /** Stops listening and drops live connections; safe to call twice. */
  close(): Promise<void>;
}

export interface StartLabOptions {
  /**
   * Keep retrying an address another lab still holds for this long (tests of
   * several suites may overlap on the standard lab's fixed addresses).
   */
  waitForAddressMs?: number;
}

const LOOPBACK_IPV4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isLoopbackIpv4(host: string): boolean {
  const match = LOOPBACK_IPV4.exec(host);
  return (
    match !== null &&
    match.slice(1).every((octet) => Number(octet) <= 255 && String(Number(octet)) === octet)
  );
}

/** The lab's one network rule: it never binds anything outside 127.0.0.0/8. */
export function assertLoopbackIpv4(host: string): void {
  if (!isLoopbackIpv4(host)) {
    throw new RangeError(`lab addresses must be in 127.0.0.0/8, got ${JSON.stringify(host)}`);
  }
}

function service(
  host: string,
  port: number,
  protocol: LabProtocol,
  banner: string,
  expected: LabExpectation,
): LabServiceDefinition {
  return { host, port, protocol, banner, expected };
}

/**
 * The vulnerable lab: known-vulnerable and patched products on fixed
 * addresses, each annotated with what a scanner must report.
 */
export const STANDARD_LAB: LabDefinition = {
  name: 'standard',
  services: [
    service('127.10.0.10', 22, 'ssh', 'SSH-2.0-OpenSSH_7.2p2 Ubuntu-4ubuntu2.8', {
      service: 'ssh',
      product: 'openssh',
      version: '7.2p2',
    }),
    service('127.10.0.10', 80, 'http', 'Apache/2.4.49 (Unix)', {
      service: 'http',
      product: 'apache_httpd',
      version: '2.4.49',
    }),
    service('127.10.0.11', 21, 'ftp', '220 (vsFTPd 2.3.4)', {
      service: 'ftp',
      product: 'vsftpd',
      version: '2.3.4',
    }),
    service('127.10.0.12', 21, 'ftp', '220 ProFTPD 1.3.5 Server (Debian) [::ffff:127.10.0.12]', {
      service: 'ftp',
      product: 'proftpd',
      version: '1.3.5',
    }),
    service(
      '127.10.0.13',
      25,
      'smtp',
      '220 mail.lab.test ESMTP Exim 4.87 Ubuntu Tue, 03 Nov 2026 09:14:27 +0000',
      { service: 'smtp', product: 'exim', version: '4.87' },
    ),
    service('127.10.0.14', 6379, 'redis', '5.0.7', {
      service: 'redis',
      product: 'redis',
      version: '5.0.7',
    }),
    service('127.10.0.15', 3306, 'mysql', '5.5.20', {
      service: 'mysql',
      product: 'mysql',
      version: '5.5.20',
    }),
    service('127.10.0.16', 80, 'http', 'nginx/1.16.1', {
      service: 'http',
      product: 'nginx',
      version: '1.16.1',
    }),
    service('127.10.0.17', 80, 'http', 'Microsoft-IIS/6.0', {
      service: 'http',
      product: 'microsoft_iis',
      version: '6.0',
    }),
    service('127.10.0.18', 80, 'http', 'lighttpd/1.4.45', {
      service: 'http',
      product: 'lighttpd',
      version: '1.4.45',
    }),
    service('127.10.0.19', 22, 'ssh', 'SSH-2.0-OpenSSH_9.9', {
      service: 'ssh',
      product: 'openssh',
      version: '9.9',
    }),
    service('127.10.0.20', 25, 'smtp', '220 mx.lab.test ESMTP Postfix (Debian/GNU)', {
      service: 'smtp',
      product: 'postfix',
    }),
  ],
};

/** Cheap services for generated labs, on ports inside 1-100 first so a `-p 1-100` scan sees them. */
const GENERATED_VARIANTS: ReadonlyArray<{
  port: number;
  protocol: LabProtocol;
  banners: ReadonlyArray<readonly [string, LabExpectation]>;
}> = [
  {
    port: 22,
    protocol: 'ssh',
    banners: [
      ['SSH-2.0-OpenSSH_7.4', { service: 'ssh', product: 'openssh', version: '7.4' }],
      [
        'SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5',
        { service: 'ssh', product: 'openssh', version: '8.2p1' },
      ],
      [
        'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5',
        { service: 'ssh', product: 'openssh', version: '9.6p1' },
      ],
    ],
  },
  {
    port: 80,
    protocol: 'http',
    banners: [
      ['nginx/1.18.0', { service: 'http', product: 'nginx', version: '1.18.0' }],
      ['Apache/2.4.41 (Ubuntu)', { service: 'http', product: 'apache_httpd', version: '2.4.41' }],
      ['Apache/2.4.49 (Unix)', { service: 'http', product: 'apache_httpd', version: '2.4.49' }],
      ['lighttpd/1.4.55', { service: 'http', product: 'lighttpd', version: '1.4.55' }],
    ],
  },
  {
    port: 21,
    protocol: 'ftp',
    banners: [['220 (vsFTPd 3.0.3)', { service: 'ftp', product: 'vsftpd', version: '3.0.3' }]],
  },
  {
    port: 25,
    protocol: 'smtp',
    banners: [
      ['220 mail.lab.test ESMTP Postfix (Ubuntu)', { service: 'smtp', product: 'postfix' }],
      [
        '220 mx.lab.test ESMTP Exim 4.94.2 Tue, 03 Nov 2026 09:14:27 +0000',
        { service: 'smtp', product: 'exim', version: '4.94.2' },
      ],
    ],
  },
  {
    port: 8080,
    protocol: 'http',
    banners: [['nginx/1.24.0', { service: 'http', product: 'nginx', version: '1.24.0' }]],
  },
  {
    port: 6379,
    protocol: 'redis',
    banners: [['6.0.16', { service: 'redis', product: 'redis', version: '6.0.16' }]],
  },
  {
    port: 3306,
    protocol: 'mysql',
    banners: [['8.0.35', { service: 'mysql', product: 'mysql', version: '8.0.35' }]],
  },
];

export interface GenerateLabOptions {
  /** A 127.x.y.z address; hosts are numbered upwards from it. Defaults to 127.20.0.0. */
  base?: string;
  hostCount: number;
  /** At most 7; defaults to 2. */
  openPortsPerHost?: number;
}

/**
 * A large synthetic lab for crash tests and benchmarks: `hostCount` hosts
 * counted up from `base` (skipping .0 and .255, which look like network and
 * broadcast addresses to people reading reports), each with a few services
 * whose ports and products rotate so hosts differ.
 */
export function generateLab(options: GenerateLabOptions): LabDefinition {
  const base = options.base ?? '127.20.0.0';
  const openPortsPerHost = options.openPortsPerHost ?? 2;
  assertLoopbackIpv4(base);
  if (!Number.isInteger(options.hostCount) || options.hostCount < 1) {
    throw new RangeError(`hostCount must be a positive integer, got ${options.hostCount}`);
  }
  if (
    !Number.isInteger(openPortsPerHost) ||
    openPortsPerHost < 0 ||
    openPortsPerHost > GENERATED_VARIANTS.length
  ) {
    throw new RangeError(
      `openPortsPerHost must be 0-${GENERATED_VARIANTS.length}, got ${openPortsPerHost}`,
    );
  }
  const services: LabServiceDefinition[] = [];
  const parsedBase = parseIpv4(base);
  if (!('value' in parsedBase))
    throw new RangeError(`invalid base address ${base}: ${parsedBase.reason}`);
  let address = parsedBase.value;
  for (let hostIndex = 0; hostIndex < options.hostCount; hostIndex += 1) {
    do address += 1;
    while ((address & 0xff) === 0 || (address & 0xff) === 255);
    const host = formatIpv4(address);
    assertLoopbackIpv4(host);
    const hostPorts = new Set<number>();
    for (let slot = 0; slot < openPortsPerHost; slot += 1) {
      // The first two slots are always SSH and HTTP; the others rotate so ports differ between hosts.
      const variantIndex =
        slot < 2 ? slot : 2 + ((hostIndex + slot) % (GENERATED_VARIANTS.length - 2));
      const variant = GENERATED_VARIANTS[variantIndex]!;
      if (hostPorts.has(variant.port)) continue;
      hostPorts.add(variant.port);
      const [banner, expected] = variant.banners[hostIndex % variant.banners.length]!;
      services.push({ host, port: variant.port, protocol: variant.protocol, banner, expected });
    }
  }
  return { name: `generated-${options.hostCount}x${openPortsPerHost}`, services };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port, backlog: 511 }, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}

async function listenWaitingForAddress(
  server: Server,
  host: string,
  port: number,
  waitForAddressMs: number,
): Promise<void> {
  const deadline = Date.now() + waitForAddressMs;
  for (;;) {
    try {
      await listen(server, host, port);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || Date.now() >= deadline) {
        throw new Error(
          code === 'EADDRINUSE'
            ? `lab address ${host}:${port} is in use (is another lab running?)`
            : `cannot listen on ${host}:${port}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Listeners started at once; bounded so a 4,096-host lab does not queue thousands of binds at once. */
const LISTEN_BATCH = 1024;

/**
 * Starts every service of `definition` on its loopback address. Throws, with
 * everything already started closed again, if any address is not in
 * 127.0.0.0/8 or cannot be bound.
 */
export async function startLoopbackLab(
  definition: LabDefinition,
  options: StartLabOptions = {},
): Promise<LoopbackLab> {
  const seen = new Set<string>();
  for (const entry of definition.services) {
    assertLoopbackIpv4(entry.host);
    if (!Number.isInteger(entry.port) || entry.port < 1 || entry.port > 65535) {
      throw new RangeError(`invalid lab port ${entry.port}`);
    }
    const key = `${entry.host}:${entry.port}`;
    if (seen.has(key)) throw new Error(`duplicate lab service ${key}`);
    seen.add(key);
  }

  const connectionLog: LabConnection[] = [];
  const liveSockets = new Set<Socket>();
  const servers: Server[] = [];
  let closed = false;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const socket of liveSockets) socket.destroy();
    liveSockets.clear();
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  };

  try {
    for (let start = 0; start < definition.services.length; start += LISTEN_BATCH) {
      const batch = definition.services.slice(start, start + LISTEN_BATCH);
      // allSettled, not all: a failed bind must not leave sibling binds finishing after close().
      const outcomes = await Promise.allSettled(
        batch.map((entry) => {
          const server = createServer((socket) => {
            if (closed) {
              socket.destroy();
              return;
            }
            liveSockets.add(socket);
            socket.once('close', () => liveSockets.delete(socket));
            connectionLog.push({
              host: entry.host,
              port: entry.port,
              remoteAddress: socket.remoteAddress ?? '',
              remotePort: socket.remotePort ?? 0,
              acceptedAt: Date.now(),
            });
            serveConnection(socket, entry);
          });
          servers.push(server);
          return listenWaitingForAddress(
            server,
            entry.host,
            entry.port,
            options.waitForAddressMs ?? 0,
          );
        }),
      );
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure) throw failure.reason;
    }
  } catch (error) {
    await close();
    throw error;
  }

  const hosts = [...new Set(definition.services.map((entry) => entry.host))];
  return {
    hosts,
    services: definition.services,
    connectionLog,
    connectionCounts(): LabConnectionCounts {
      const byService = new Map<string, number>();
      const byHost = new Map<string, number>();
      for (const connection of connectionLog) {
        const key = `${connection.host}:${connection.port}`;
        byService.set(key, (byService.get(key) ?? 0) + 1);
        byHost.set(connection.host, (byHost.get(connection.host) ?? 0) + 1);
      }
      return { byService, byHost };
    },
    resetLog(): void {
      connectionLog.length = 0;
    },
    close,
  };
}
