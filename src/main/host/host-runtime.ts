import { EventEmitter } from 'node:events';
import { dirname, join } from 'node:path';
import { startClusterHost } from '../cluster/cluster-host.js';
import { readClusterSettingsFile, type ClusterHostSettings } from '../cluster/cluster-settings.js';
import { resolveRestateServerBinary } from './restate-server-binary.js';
import { renderRestateServerConfig } from './restate-server-config.js';
import {
  dataDirLayout,
  ensureDataDir,
  HostPorts,
  readJsonFile,
  readRunningHostInfo,
  removeFileQuietly,
  RESTATE_NODE_NAME,
  writeJsonFileAtomically,
  writePrivateFile,
  type DataDirLayout,
  type HostInfo,
} from './data-dir.js';
import { processIdentity } from './host-process.js';
import { restateTransports, type IngressTransport } from './ingress-transport.js';
import {
  DiskFaultMonitor,
  diskFaultOf,
  isServerWritesDisabledLine,
  probeWritable,
  type DiskFault,
} from './disk-fault.js';
import { LOOPBACK_HOST, reuseOrPickPort } from './loopback-ports.js';
import { OFFLINE_HOSTS, OFFLINE_RESOLV_CONF } from './restate-server-command.js';
import { loadOrCreateRequestIdentity } from './request-identity.js';
import { RestateAdminClient, type DeploymentSummary } from './restate-admin-client.js';
import { RotatingLogFile } from './rotating-log-file.js';
import { assertNodeCanRunServices } from './services-node-version.js';
import {
  deploymentPath,
  startServicesEndpoint,
  type ServiceDefinitionList,
  type ServicesEndpoint,
} from './services-endpoint.js';
import { queryWithRetry, stopStaleInvocations } from './stale-invocations.js';
import { createStructuredLogger, type StructuredLogger } from './structured-logger.js';
import type { RestateServerFailed } from './supervised-restate-server.js';
import {
  SupervisedRestateServer,
  type RestartPolicy,
  type RestateServerState,
} from './supervised-restate-server.js';

export interface HostOptions {
  dataDir: string;
  appVersion: string;
  services: ServiceDefinitionList;
  /** Ports to prefer; by default the ones used last time on this data dir, else free ones. */
  ports?: Partial<HostPorts>;
  logger?: StructuredLogger;
  /** Echo host log lines to stderr as well as logs/host.log. */
  echoLogs?: boolean;
  restartPolicy?: RestartPolicy;
  /** Written into host.json so `spectra` commands can print where the UI is. */
  uiUrl?: string;
  /** Cluster mode: use this existing Restate cluster instead of starting restate-server. */
  cluster?: ClusterHostSettings;
}

/** The data dir cannot take writes: the host refuses to start, in one line. */
export class DataDirUnwritable extends Error {
  constructor(readonly fault: DiskFault) {
    super(fault.message);
  }
}

/** While the data dir is faulty it is probed this often, to notice when it recovers. */
const DISK_PROBE_INTERVAL_MS = 5_000;

export class HostAlreadyRunning extends Error {
  constructor(readonly info: HostInfo) {
    super(
      `another Spectra-Red host (pid ${info.pid}) is already running on this data dir (ingress ${restateTransports(info).ingressAddress})`,
    );
  }
}

/**
 * The Electron-free host: restate-server, the services endpoint and their
 * registration, supervised as one unit. Electron main, the CLI and the tests
 * all start exactly this.
 *
 * Events: 'server-state' (RestateServerState), 'fatal' (RestateServerFailed),
 * 'disk-fault' (DiskFault | undefined when the data dir takes writes again).
 */
export interface Host extends EventEmitter {
  readonly dataDir: string;
  /** The app version the services were registered under (exports name it as their tool version). */
  readonly appVersion: string;
  readonly layout: DataDirLayout;
  readonly ports: HostPorts;
  /**
   * restate-server's ingress: `clients.connect(host.ingress)`. Over its Unix
   * socket in local mode, at the cluster's URL in cluster mode.
   */
  readonly ingress: IngressTransport;
  readonly admin: RestateAdminClient;
  /** Printable addresses of the ingress and the admin API (socket paths or cluster URLs). */
  readonly ingressAddress: string;
  readonly adminAddress: string;
  readonly logger: StructuredLogger;
  serverState(): RestateServerState;
  /** Why the data dir does not take writes right now ("data dir read-only: ..."), if it does not. */
  diskFault(): DiskFault | undefined;
  serverPid(): number | undefined;
  /** Adds the UI address to host.json once the UI server (browser mode) is up. */
  advertiseUi(uiUrl: string): void;
  /** Endpoint closed, then restate-server stopped (SIGTERM, SIGKILL after a bound). Idempotent. */
  close(): Promise<void>;
}

/** Data dirs with a host in this process (host.json only tells other processes). */
const dataDirsInUse = new Set<string>();

/** sun_path holds 108 bytes on Linux and 104 on macOS, terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 103;

export async function startHost(options: HostOptions): Promise<Host> {
  assertNodeCanRunServices();
  const layout = dataDirLayout(options.dataDir);
  const socketPathBytes = Buffer.byteLength(layout.ingressSocket);
  if (socketPathBytes > MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `data dir path too long for restate-server's Unix sockets (${layout.ingressSocket} is ${socketPathBytes} bytes, at most ${MAX_SOCKET_PATH_BYTES}): use a shorter --data-dir`,
    );
  }
  try {
    ensureDataDir(layout);
  } catch (error) {
    const fault = diskFaultOf(error, options.dataDir);
    if (fault) throw new DataDirUnwritable(fault);
    throw error;
  }
  const fault = probeDataDir(layout);
  if (fault) throw new DataDirUnwritable(fault);
  const running = readRunningHostInfo(options.dataDir);
  if (running && (running.pid !== process.pid || dataDirsInUse.has(options.dataDir))) {
    throw new HostAlreadyRunning(running);
  }
  dataDirsInUse.add(options.dataDir);
  try {
    // Cluster mode: from the caller, else from the data dir's cluster.json (the app, doctor, CLI).
    const cluster = options.cluster ?? readClusterSettingsFile(options.dataDir);
    if (cluster) {
      return await startClusterHost(options, layout, cluster, () =>
        dataDirsInUse.delete(options.dataDir),
      );
    }
    return await startHostOnDataDir(options, layout);
  } catch (error) {
    dataDirsInUse.delete(options.dataDir);
    const fault = diskFaultOf(error, options.dataDir);
    if (fault) throw new DataDirUnwritable(fault);
    throw error;
  }
}

async function startHostOnDataDir(options: HostOptions, layout: DataDirLayout): Promise<Host> {
  const disk = new DiskFaultMonitor(options.dataDir);
  const reportWriteFailure = (error: unknown) => void disk.reportWriteFailure(error);
  const logger = (
    options.logger ??
    createStructuredLogger({
      file: layout.hostLogFile,
      echo: options.echoLogs ? process.stderr : undefined,
      onWriteFailure: reportWriteFailure,
    })
  ).child({ component: 'host' });
  const ports = await choosePorts(layout, options.ports);
  const { ingressSocket, adminSocket } = layout;
  const transports = restateTransports({ ingressSocket, adminSocket });
  const { ingress } = transports;
  const identity = loadOrCreateRequestIdentity(layout.requestIdentityKeyFile);

  writePrivateFile(
    layout.restateConfigFile,
    renderRestateServerConfig({
      baseDir: layout.restateBaseDir,
      nodeName: RESTATE_NODE_NAME,
      requestIdentityPrivateKeyFile: identity.privateKeyFile,
    }),
  );
  const offlineResolvConf = join(layout.restateBaseDir, 'offline-resolv.conf');
  const offlineHosts = join(layout.restateBaseDir, 'offline-hosts');
  writePrivateFile(offlineResolvConf, OFFLINE_RESOLV_CONF);
  writePrivateFile(offlineHosts, OFFLINE_HOSTS);

  const serverLog = new RotatingLogFile(
    layout.restateLogFile,
    undefined,
    undefined,
    reportWriteFailure,
  );
  const server = new SupervisedRestateServer({
    command: {
      binary: resolveRestateServerBinary(),
      configFile: layout.restateConfigFile,
      offlineResolvConf,
      offlineHosts,
    },
    pidFile: layout.restatePidFile,
    ingress,
    admin: transports.admin,
    log: serverLog,
    logger: logger.child({ component: 'restate-server' }),
    restartPolicy: options.restartPolicy,
  });
  const emitter = new EventEmitter();
  server.on('state', (state: RestateServerState) => emitter.emit('server-state', state));
  const stopWatchingDisk = watchDataDir(disk, server, layout, logger, emitter);
  server.on('fatal', (error: RestateServerFailed) => {
    if (emitter.listenerCount('fatal') > 0) emitter.emit('fatal', error);
  });

  let endpoint: ServicesEndpoint | undefined;
  const admin = new RestateAdminClient(transports.admin, adminSocket);
  const hostInfo: HostInfo = {
    pid: process.pid,
    appVersion: options.appVersion,
    ingressSocket,
    adminSocket,
    uiUrl: options.uiUrl,
    startedAt: new Date().toISOString(),
    processIdentity: processIdentity(process.pid),
  };
  const closeEverything = async () => {
    stopWatchingDisk();
    await endpoint?.close().catch(() => undefined);
    await server.stop();
    serverLog.close();
    removeFileQuietly(layout.hostInfoFile);
    dataDirsInUse.delete(options.dataDir);
  };

  try {
    await server.start();
    endpoint = await startServicesEndpoint({
      services: options.services,
      port: ports.endpoint,
      identityKeys: [identity.publicKey],
      logger,
    });
    const { deploymentId, earlierDeployments } = await registerEndpoint(
      admin,
      ports.endpoint,
      await deploymentPath(options.appVersion, options.services),
      logger,
    );
    await stopStaleInvocations({
      admin,
      ingress,
      currentDeploymentId: deploymentId,
      earlierDeployments,
      appVersion: options.appVersion,
      logger,
    }).catch((error) =>
      logger.error('could not stop invocations of a previous version', { error }),
    );
    await resumePausedInvocations(admin, logger);
    writeJsonFileAtomically(layout.hostInfoFile, hostInfo);
  } catch (error) {
    await closeEverything();
    throw error;
  }
  logger.info('host ready', {
    ingressSocket,
    adminSocket,
    dataDir: options.dataDir,
    node: process.version,
  });

  // A crash of the host must not leave host.json claiming a live host; the
  // server itself is taken down by the kernel's parent-death signal.
  const onExit = () => removeFileQuietly(layout.hostInfoFile);
  process.once('exit', onExit);

  let closing: Promise<void> | undefined;
  return Object.assign(emitter, {
    dataDir: options.dataDir,
    appVersion: options.appVersion,
    layout,
    ports,
    ingress,
    admin,
    ingressAddress: transports.ingressAddress,
    adminAddress: transports.adminAddress,
    logger,
    serverState: () => server.state,
    diskFault: () => disk.current,
    serverPid: () => server.pid,
    advertiseUi: (uiUrl: string) => {
      hostInfo.uiUrl = uiUrl;
      try {
        writeJsonFileAtomically(layout.hostInfoFile, hostInfo);
      } catch (error) {
        if (!disk.reportWriteFailure(error)) throw error;
      }
    },
    close: () => {
      closing ??= (async () => {
        logger.info('host stopping');
        process.removeListener('exit', onExit);
        await closeEverything();
        logger.info('host stopped');
      })();
      return closing;
    },
  });
}

/** Every directory the host and restate-server write to takes a real write. */
function probeDataDir(layout: DataDirLayout): DiskFault | undefined {
  return (
    probeWritable(layout.dataDir) ??
    probeWritable(layout.restateBaseDir, layout.dataDir) ??
    probeWritable(dirname(layout.hostLogFile), layout.dataDir)
  );
}

/**
 * Keeps `disk` true: restate-server's log lines saying it stopped writing set
 * a fault, and while any fault stands the data dir is probed every few
 * seconds. Once it takes writes again the fault clears, and a server that had
 * disabled its writes (it only re-enables them on restart) is restarted.
 */
function watchDataDir(
  disk: DiskFaultMonitor,
  server: SupervisedRestateServer,
  layout: DataDirLayout,
  logger: StructuredLogger,
  emitter: EventEmitter,
): () => void {
  let serverWritesDisabled = false;
  const onServerLine = (line: string) => {
    if (serverWritesDisabled || !isServerWritesDisabledLine(line)) return;
    serverWritesDisabled = true;
    disk.set(
      probeDataDir(layout) ?? {
        kind: 'server-writes-disabled',
        message: `restate-server stopped writing to ${layout.dataDir}; it is restarted once the data dir takes writes again`,
      },
    );
  };
  server.on('log-line', onServerLine);
  const onChange = (fault: DiskFault | undefined) => {
    if (fault) logger.error(fault.message);
    else logger.info('data dir takes writes again');
    emitter.emit('disk-fault', fault);
  };
  disk.on('change', onChange);
  const timer = setInterval(() => {
    if (!disk.current) return;
    if (probeDataDir(layout)) return;
    disk.set(undefined);
    if (serverWritesDisabled) {
      serverWritesDisabled = false;
      logger.info('restarting restate-server so that it writes again');
      void server.restartNow().catch((error) => logger.error('restart failed', { error }));
    }
  }, DISK_PROBE_INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    server.removeListener('log-line', onServerLine);
    disk.removeListener('change', onChange);
  };
}

async function choosePorts(
  layout: DataDirLayout,
  requested: Partial<HostPorts> | undefined,
): Promise<HostPorts> {
  const previous = readJsonFile(layout.portsFile, HostPorts);
  const taken = new Set<number>();
  const choose = async (name: keyof HostPorts) => {
    const port = await reuseOrPickPort(requested?.[name] ?? previous?.[name], taken);
    taken.add(port);
    return port;
  };
  const ports: HostPorts = { endpoint: await choose('endpoint') };
  writeJsonFileAtomically(layout.portsFile, ports);
  return ports;
}

/**
 * Registers this endpoint. When the endpoint had to move to another port, the
 * deployments registered under the old address are re-pointed first: in-flight
 * invocations are pinned to their deployment and would otherwise never resume.
 * Returns the deployments found before registering too, listed once for the
 * whole start (stopStaleInvocations names their versions from them).
 */
async function registerEndpoint(
  admin: RestateAdminClient,
  endpointPort: number,
  path: string,
  logger: StructuredLogger,
): Promise<{ deploymentId: string; earlierDeployments: DeploymentSummary[] }> {
  const origin = `http://${LOOPBACK_HOST}:${endpointPort}`;
  const earlierDeployments = await admin.listDeployments();
  for (const deployment of earlierDeployments) {
    if (!deployment.uri) continue;
    const address = new URL(deployment.uri);
    if (address.hostname === LOOPBACK_HOST && address.origin !== origin) {
      const moved = origin + address.pathname;
      logger.info('re-pointing deployment to the endpoint’s new port', {
        deployment: deployment.id,
        uri: moved,
      });
      await admin.updateDeploymentUri(deployment.id, moved);
    }
  }
  const registered = await admin.registerDeployment(origin + path);
  logger.info('services registered', {
    deployment: registered.id,
    uri: origin + path,
    services: registered.services.map((service) => service.name),
  });
  return { deploymentId: registered.id, earlierDeployments };
}

/** Invocations that exhausted their retries while the endpoint was away are paused; start them again. */
async function resumePausedInvocations(
  admin: RestateAdminClient,
  logger: StructuredLogger,
): Promise<void> {
  const paused = await queryWithRetry(() =>
    admin.query<{ id: string }>("SELECT id FROM sys_invocation WHERE status = 'paused'"),
  ).catch((error: unknown) => {
    // Never fail the start over it: paused invocations can be resumed later.
    logger.warn('could not list paused invocations', { error });
    return [];
  });
  for (const { id } of paused) {
    logger.info('resuming paused invocation', { invocationId: id });
    await admin
      .resumeInvocation(id)
      .catch((error) => logger.warn('could not resume', { invocationId: id, error }));
  }
}
