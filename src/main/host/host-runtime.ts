import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
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
  removeFile,
  writeJsonFileAtomically,
  type DataDirLayout,
  type HostInfo,
} from './data-dir.js';
import { LOOPBACK_HOST, reuseOrPickPort } from './loopback-ports.js';
import { loadOrCreateRequestIdentity } from './request-identity.js';
import { RestateAdminClient } from './restate-admin-client.js';
import { RotatingLogFile } from './rotating-log-file.js';
import {
  deploymentPath,
  startServicesEndpoint,
  type ServiceDefinitionList,
  type ServicesEndpoint,
} from './services-endpoint.js';
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

export class HostAlreadyRunning extends Error {
  constructor(readonly info: HostInfo) {
    super(
      `another Spectra-Red host (pid ${info.pid}) is already running on this data dir at ${info.ingressUrl}`,
    );
  }
}

/**
 * The Electron-free host: restate-server, the services endpoint and their
 * registration, supervised as one unit. Electron main, the CLI and the tests
 * all start exactly this.
 *
 * Events: 'server-state' (RestateServerState), 'fatal' (RestateServerFailed).
 */
export interface Host extends EventEmitter {
  readonly dataDir: string;
  readonly layout: DataDirLayout;
  readonly ports: HostPorts;
  readonly ingressUrl: string;
  readonly adminUrl: string;
  readonly admin: RestateAdminClient;
  readonly logger: StructuredLogger;
  serverState(): RestateServerState;
  serverPid(): number | undefined;
  /** Adds the UI address to host.json once the UI server (browser mode) is up. */
  advertiseUi(uiUrl: string): void;
  /** Endpoint closed, then restate-server stopped (SIGTERM, SIGKILL after a bound). Idempotent. */
  close(): Promise<void>;
}

/** Data dirs with a host in this process (host.json only tells other processes). */
const dataDirsInUse = new Set<string>();

export async function startHost(options: HostOptions): Promise<Host> {
  const layout = dataDirLayout(options.dataDir);
  ensureDataDir(layout);
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
    throw error;
  }
}

async function startHostOnDataDir(options: HostOptions, layout: DataDirLayout): Promise<Host> {
  const logger = (
    options.logger ??
    createStructuredLogger({
      file: layout.hostLogFile,
      echo: options.echoLogs ? process.stderr : undefined,
    })
  ).child({ component: 'host' });
  const ports = await choosePorts(layout, options.ports);
  const ingressUrl = `http://${LOOPBACK_HOST}:${ports.ingress}`;
  const adminUrl = `http://${LOOPBACK_HOST}:${ports.admin}`;
  const identity = loadOrCreateRequestIdentity(layout.requestIdentityKeyFile);

  writeFileSync(
    layout.restateConfigFile,
    renderRestateServerConfig({
      baseDir: layout.restateBaseDir,
      // Pinned: the server refuses to reopen its data under another node name,
      // and the default (the hostname) changes when the laptop is renamed.
      nodeName: 'spectra-local',
      fabricPort: ports.fabric,
      ingressPort: ports.ingress,
      adminPort: ports.admin,
      requestIdentityPrivateKeyFile: identity.privateKeyFile,
    }),
  );

  const serverLog = new RotatingLogFile(layout.restateLogFile);
  const server = new SupervisedRestateServer({
    binary: resolveRestateServerBinary(),
    configFile: layout.restateConfigFile,
    pidFile: layout.restatePidFile,
    ingressUrl,
    adminUrl,
    log: serverLog,
    logger: logger.child({ component: 'restate-server' }),
    restartPolicy: options.restartPolicy,
  });
  const emitter = new EventEmitter();
  server.on('state', (state: RestateServerState) => emitter.emit('server-state', state));
  server.on('fatal', (error: RestateServerFailed) => {
    if (emitter.listenerCount('fatal') > 0) emitter.emit('fatal', error);
  });

  let endpoint: ServicesEndpoint | undefined;
  const admin = new RestateAdminClient(adminUrl);
  const hostInfo: HostInfo = {
    pid: process.pid,
    appVersion: options.appVersion,
    ingressUrl,
    adminUrl,
    uiUrl: options.uiUrl,
    startedAt: new Date().toISOString(),
  };
  const closeEverything = async () => {
    await endpoint?.close().catch(() => undefined);
    await server.stop();
    serverLog.close();
    removeFile(layout.hostInfoFile);
    dataDirsInUse.delete(options.dataDir);
  };

  try {
    await server.start();
    endpoint = await startServicesEndpoint({
      services: options.services,
      port: ports.endpoint,
      identityPublicKey: identity.publicKey,
      logger,
    });
    await registerEndpoint(
      admin,
      ports.endpoint,
      await deploymentPath(options.appVersion, options.services),
      logger,
    );
    await resumePausedInvocations(admin, logger);
    writeJsonFileAtomically(layout.hostInfoFile, hostInfo);
  } catch (error) {
    await closeEverything();
    throw error;
  }
  logger.info('host ready', {
    ingressUrl,
    adminUrl,
    dataDir: options.dataDir,
    node: process.version,
  });

  // A crash of the host must not leave host.json claiming a live host; the
  // server itself is taken down by the kernel's parent-death signal.
  const onExit = () => removeFile(layout.hostInfoFile);
  process.once('exit', onExit);

  let closing: Promise<void> | undefined;
  return Object.assign(emitter, {
    dataDir: options.dataDir,
    layout,
    ports,
    ingressUrl,
    adminUrl,
    admin,
    logger,
    serverState: () => server.state,
    serverPid: () => server.pid,
    advertiseUi: (uiUrl: string) => {
      hostInfo.uiUrl = uiUrl;
      writeJsonFileAtomically(layout.hostInfoFile, hostInfo);
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
  const ports: HostPorts = {
    ingress: await choose('ingress'),
    admin: await choose('admin'),
    fabric: await choose('fabric'),
    endpoint: await choose('endpoint'),
  };
  writeJsonFileAtomically(layout.portsFile, ports);
  return ports;
}

/**
 * Registers this endpoint. When the endpoint had to move to another port, the
 * deployments registered under the old address are re-pointed first: in-flight
 * invocations are pinned to their deployment and would otherwise never resume.
 */
async function registerEndpoint(
  admin: RestateAdminClient,
  endpointPort: number,
  path: string,
  logger: StructuredLogger,
): Promise<void> {
  const origin = `http://${LOOPBACK_HOST}:${endpointPort}`;
  for (const deployment of await admin.listDeployments()) {
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
}

/** Invocations that exhausted their retries while the endpoint was away are paused; start them again. */
async function resumePausedInvocations(
  admin: RestateAdminClient,
  logger: StructuredLogger,
): Promise<void> {
  const paused = await admin.query<{ id: string }>(
    "SELECT id FROM sys_invocation WHERE status = 'paused'",
  );
  for (const { id } of paused) {
    logger.info('resuming paused invocation', { invocationId: id });
    await admin
      .resumeInvocation(id)
      .catch((error) => logger.warn('could not resume', { invocationId: id, error }));
  }
}
