import { EventEmitter } from 'node:events';
import {
  removeFile,
  writeJsonFileAtomically,
  type DataDirLayout,
  type HostInfo,
} from '../host/data-dir.js';
import { processIdentity } from '../host/host-process.js';
import type { Host, HostOptions } from '../host/host-runtime.js';
import { restateTransports } from '../host/ingress-transport.js';
import { RestateAdminClient, type DeploymentSummary } from '../host/restate-admin-client.js';
import { deploymentPath } from '../host/services-endpoint.js';
import { createStructuredLogger } from '../host/structured-logger.js';
import { parseListenAddress, type ClusterHostSettings } from './cluster-settings.js';
import { startServicesEndpoint } from '../host/services-endpoint.js';
import { SPECTRA_SERVICE_DEFAULTS } from './service-defaults.js';

/** The services only scanner workers serve once the host runs against a cluster. */
export const WORKER_ONLY_SERVICES = new Set(['Scanner', 'Rechecks']);

/**
 * The host in cluster mode: no restate-server of its own. It serves the
 * workflow and the objects on `listen`, registers the advertised address with
 * the cluster's admin API and writes host.json so `spectra` commands find the
 * cluster's ingress. What the loopback host does to repair its own server
 * (re-pointing deployments to a moved port, resuming paused invocations) is
 * not done here: on a shared cluster those belong to whoever operates it.
 */
export async function startClusterHost(
  options: HostOptions,
  layout: DataDirLayout,
  cluster: ClusterHostSettings,
  releaseDataDir: () => void,
): Promise<Host> {
  const logger = (
    options.logger ??
    createStructuredLogger({
      file: layout.hostLogFile,
      echo: options.echoLogs ? process.stderr : undefined,
    })
  ).child({ component: 'host', mode: 'cluster' });
  const advertise = new URL(cluster.advertise);
  const listen = cluster.listen
    ? parseListenAddress(cluster.listen)
    : { host: '127.0.0.1', port: Number(advertise.port) || 80 };
  const services = options.services.filter((service) => !WORKER_ONLY_SERVICES.has(service.name));
  const ingressUrl = cluster.clusterIngress.replace(/\/+$/, '');
  const adminUrl = cluster.clusterAdmin.replace(/\/+$/, '');
  const transports = restateTransports({ ingressUrl, adminUrl });
  const admin = new RestateAdminClient(transports.admin);
  const endpoint = await startServicesEndpoint({
    defaultServiceOptions: SPECTRA_SERVICE_DEFAULTS,
    services,
    host: listen.host,
    port: listen.port,
    identityKeys: cluster.identityKeys,
    logger,
  });
  const hostInfo: HostInfo = {
    pid: process.pid,
    appVersion: options.appVersion,
    ingressUrl,
    adminUrl,
    uiUrl: options.uiUrl,
    startedAt: new Date().toISOString(),
    processIdentity: processIdentity(process.pid),
  };
  const closeEverything = async () => {
    await endpoint.close().catch(() => undefined);
    removeFile(layout.hostInfoFile);
    releaseDataDir();
  };
  try {
    const uri =
      cluster.advertise.replace(/\/+$/, '') + (await deploymentPath(options.appVersion, services));
    const registered = await registerWithCluster(admin, uri);
    logger.info('services registered with the cluster', {
      deployment: registered.id,
      uri,
      services: registered.services.map((service) => service.name),
    });
    writeJsonFileAtomically(layout.hostInfoFile, hostInfo);
  } catch (error) {
    await closeEverything();
    throw error;
  }
  logger.info('host ready (cluster mode)', { ingressUrl, adminUrl, listen });
  const onExit = () => removeFile(layout.hostInfoFile);
  process.once('exit', onExit);

  let closing: Promise<void> | undefined;
  return Object.assign(new EventEmitter(), {
    dataDir: options.dataDir,
    appVersion: options.appVersion,
    layout,
    ports: { endpoint: endpoint.port },
    ingress: transports.ingress,
    admin,
    ingressAddress: transports.ingressAddress,
    adminAddress: transports.adminAddress,
    logger,
    // The cluster is not ours to supervise; its health is the operator's.
    serverState: () => 'ready' as const,
    serverPid: () => undefined,
    // The data dir holds only host.json and logs here; the cluster's disks are the operator's.
    diskFault: () => undefined,
    advertiseUi: (uiUrl: string) => {
      hostInfo.uiUrl = uiUrl;
      writeJsonFileAtomically(layout.hostInfoFile, hostInfo);
    },
    close: () => {
      closing ??= (async () => {
        process.removeListener('exit', onExit);
        await closeEverything();
        logger.info('host stopped');
      })();
      return closing;
    },
  });
}

/** Registers `uri`, naming the admin address and the cause when the cluster cannot be reached. */
export async function registerWithCluster(
  admin: RestateAdminClient,
  uri: string,
): Promise<DeploymentSummary> {
  try {
    return await admin.registerDeployment(uri);
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(
      `could not register ${uri} with the cluster admin at ${admin.address}: ${reason}`,
    );
  }
}
