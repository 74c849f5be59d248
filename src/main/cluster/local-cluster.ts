import {
  delay,
  environmentWithoutRestateOverrides,
  RESTATE_SERVER_SPAWN_OPTIONS,
} from '../host/supervised-restate-server.js';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { PRIVATE_DIRECTORY_MODE, writePrivateFile } from '../host/data-dir.js';
import { loadOrCreateRequestIdentity } from '../host/request-identity.js';
import { resolveRestateServerBinary } from '../host/restate-server-binary.js';
import { urlTransport } from '../host/ingress-transport.js';
import { RestateAdminClient } from '../host/restate-admin-client.js';
import { RotatingLogFile } from '../host/rotating-log-file.js';
import { withParentDeathSignal } from '../host/parent-death-signal.js';
import { renderLocalClusterNodeConfig, type LocalClusterNode } from './local-cluster-config.js';

export interface LocalClusterOptions {
  dataDir: string;
  nodes?: number;
  partitions?: number;
  /** The first three octets of the nodes' addresses: node N listens on `${prefix}.N`. */
  addressPrefix?: string;
  readinessTimeoutMs?: number;
  /** Called with one line per noteworthy event (node started, partitions led...). */
  onProgress?: (line: string) => void;
}

export interface RunningNode extends LocalClusterNode {
  ingressUrl: string;
  adminUrl: string;
  pid(): number | undefined;
  alive(): boolean;
}

export interface LocalCluster {
  nodes: RunningNode[];
  /** The request-identity public key every endpoint of this cluster must accept. */
  identityPublicKey: string;
  partitions: number;
  /** SIGKILL one node (fault tests). */
  kill(nodeId: number): void;
  /** Starts a killed node again on the same data. */
  restart(nodeId: number): Promise<void>;
  /** Resolves once every partition has a leader that some admin node reports. */
  waitForPartitionLeaders(timeoutMs?: number): Promise<PartitionLeadership>;
  /** SIGTERM every node (SIGKILL after a bound). Idempotent. */
  stop(): Promise<void>;
}

export interface PartitionLeadership {
  partitions: number;
  led: number;
}

export const DEFAULT_CLUSTER_ADDRESS_PREFIX = '127.30.0';
export const DEFAULT_CLUSTER_PARTITIONS = 24;

/** The files a local cluster keeps in its data dir. */
export function localClusterLayout(dataDir: string) {
  return {
    dataDir,
    requestIdentityKeyFile: join(dataDir, 'request-identity.pem'),
    nodeDir: (id: number) => join(dataDir, `node-${id}`),
    nodeConfigFile: (id: number) => join(dataDir, `node-${id}`, 'restate-server.toml'),
    nodeLogFile: (id: number) => join(dataDir, `node-${id}`, 'restate-server.log'),
    clusterFile: join(dataDir, 'cluster.json'),
  };
}

/**
 * Starts a loopback restate-server cluster for development and tests: N nodes
 * with every role, replicated metadata and logs, each on its own 127.x
 * address. The cluster's data survives a stop: starting again on the same
 * data dir reopens it (same ports, same node ids).
 */
export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const count = options.nodes ?? 3;
  const partitions = options.partitions ?? DEFAULT_CLUSTER_PARTITIONS;
  const prefix = options.addressPrefix ?? DEFAULT_CLUSTER_ADDRESS_PREFIX;
  const layout = localClusterLayout(options.dataDir);
  const progress = options.onProgress ?? (() => {});
  // Owner-only, like a host's data dir: it holds the request identity's private key.
  mkdirSync(options.dataDir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  const identity = loadOrCreateRequestIdentity(layout.requestIdentityKeyFile);

  // A restarted cluster must keep its addresses: the nodes stored each other's in their metadata.
  const previous = readPreviousNodes(layout.clusterFile);
  const nodes: LocalClusterNode[] = [];
  for (let id = 1; id <= count; id++) {
    const address = `${prefix}.${id}`;
    const kept = previous?.find((node) => node.id === id && node.address === address);
    const [fabricPort, ingressPort, adminPort] = kept
      ? [kept.fabricPort, kept.ingressPort, kept.adminPort]
      : await freePorts(address, 3);
    nodes.push({
      id,
      address,
      fabricPort: fabricPort!,
      ingressPort: ingressPort!,
      adminPort: adminPort!,
      baseDir: join(layout.nodeDir(id), 'restate'),
    });
  }
  for (const node of nodes) {
    mkdirSync(node.baseDir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
    writePrivateFile(
      layout.nodeConfigFile(node.id),
      renderLocalClusterNodeConfig({
        clusterName: 'spectra-red-local',
        node,
        nodes,
        partitions,
        requestIdentityPrivateKeyFile: identity.privateKeyFile,
      }),
    );
  }
  writePrivateFile(layout.clusterFile, JSON.stringify({ nodes, partitions }, null, 2) + '\n');

  const binary = resolveRestateServerBinary();
  const children = new Map<number, ResultPromise>();
  const logs = new Map<number, RotatingLogFile>();
  /** The node that most recently announced leadership of each partition. */
  const leaders = new Map<number, number>();
  const spawnNode = (node: LocalClusterNode) => {
    const log = logs.get(node.id) ?? new RotatingLogFile(layout.nodeLogFile(node.id));
    logs.set(node.id, log);
    // The kernel kills every node when this process dies, however it dies.
    const [file, ...fileArgs] = withParentDeathSignal([
      binary,
      '--config-file',
      layout.nodeConfigFile(node.id),
    ]).commandLine;
    const child = execa(file!, fileArgs, {
      env: environmentWithoutRestateOverrides(),
      ...RESTATE_SERVER_SPAWN_OPTIONS,
    });
    const leadership = new LeadershipLogReader((partition) => leaders.set(partition, node.id));
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      leadership.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
    // A dead node leads nothing: its partitions count again once another node takes them.
    void child.then(() => {
      for (const [partition, leader] of leaders) if (leader === node.id) leaders.delete(partition);
    });
    children.set(node.id, child);
    progress(`node ${node.id} started on ${node.address} (pid ${child.pid})`);
  };

  const running: RunningNode[] = nodes.map((node) => ({
    ...node,
    ingressUrl: `http://${node.address}:${node.ingressPort}`,
    adminUrl: `http://${node.address}:${node.adminPort}`,
    pid: () => children.get(node.id)?.pid,
    alive: () => {
      const child = children.get(node.id);
      return !!child && child.exitCode === null && child.signalCode === null;
    },
  }));

  const waitForPartitionLeaders = async (timeoutMs = options.readinessTimeoutMs ?? 90_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: PartitionLeadership = { partitions, led: 0 };
    for (;;) {
      last = { partitions, led: leaders.size };
      if (last.led >= partitions && (await anyAdminAnswers(running))) return last;
      const exited = running.find((node) => !node.alive() && children.has(node.id));
      if (exited && children.get(exited.id)?.exitCode !== null && exited.id === 1 && !stopping) {
        const lines = logs.get(exited.id)?.lastLines() ?? [];
        throw new Error(`node ${exited.id} exited during start-up:\n${lines.join('\n')}`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `only ${last.led} of ${partitions} partitions had a leader after ${timeoutMs / 1000}s`,
        );
      }
      await delay(500);
    }
  };

  let stopping = false;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopping = true;
    stopped ??= (async () => {
      await Promise.all(
        [...children.values()].map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killTimer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await child.catch(() => undefined);
          clearTimeout(killTimer);
        }),
      );
      for (const log of logs.values()) log.close();
    })();
    return stopped;
  };

  try {
    for (const node of nodes) spawnNode(node);
    await waitForPartitionLeaders();
  } catch (error) {
    await stop();
    throw error;
  }
  progress(`all ${partitions} partitions have a leader`);

  return {
    nodes: running,
    identityPublicKey: identity.publicKey,
    partitions,
    kill: (nodeId) => {
      const child = children.get(nodeId);
      if (!child) throw new Error(`no node ${nodeId}`);
      child.kill('SIGKILL');
    },
    restart: async (nodeId) => {
      const node = nodes.find((candidate) => candidate.id === nodeId);
      if (!node) throw new Error(`no node ${nodeId}`);
      const previous = children.get(nodeId);
      if (previous && previous.exitCode === null && previous.signalCode === null)
        throw new Error(`node ${nodeId} is still running`);
      await previous?.catch(() => undefined);
      spawnNode(node);
    },
    waitForPartitionLeaders,
    stop,
  };
}

/**
 * restate-server 1.7.12 exposes partition leadership neither in the admin
 * API's sys tables nor over HTTP (only restatectl's gRPC has it), but every
 * processor logs "Processor became Leader of epoch eN" with its partition id
 * when it takes over; this reads those lines from a node's JSON log stream.
 */
export class LeadershipLogReader {
  private pending = '';
  constructor(private readonly onLeader: (partition: number) => void) {}

  push(chunk: Buffer | string): void {
    const lines = (this.pending + chunk.toString()).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('became Leader')) continue;
      try {
        const entry = JSON.parse(line) as { fields?: { message?: string; partition_id?: string } };
        const partition = Number(entry.fields?.partition_id);
        if (
          entry.fields?.message?.startsWith('Processor became Leader') &&
          Number.isInteger(partition)
        )
          this.onLeader(partition);
      } catch {
        // Not a JSON line (a panic message, say): not a leadership event.
      }
    }
  }
}

/** The admin query engine of at least one live node answers (it reads partition stores). */
async function anyAdminAnswers(nodes: readonly RunningNode[]): Promise<boolean> {
  for (const node of nodes.filter((candidate) => candidate.alive())) {
    try {
      await new RestateAdminClient(urlTransport(node.adminUrl)).query(
        'SELECT id FROM sys_invocation LIMIT 1',
      );
      return true;
    } catch {
      // Try the next node.
    }
  }
  return false;
}

function readPreviousNodes(file: string): LocalClusterNode[] | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { nodes: LocalClusterNode[] }).nodes;
  } catch {
    return undefined;
  }
}

/** Free ports on `address`, all held open together so none is handed out twice. */
async function freePorts(address: string, count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen({ host: address, port: 0, exclusive: true }, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const bound = server.address();
    return typeof bound === 'object' && bound ? bound.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
