import { isAddressInScope, parseScope, type Scope } from '../../shared/scope.js';
import { siteScannerName } from '../../shared/site.js';
import { createKnowledgeProvider } from '../../services/scanner/knowledge-provider.js';
import { createScannerService } from '../../services/scanner/scanner-service.js';
import { createRecheckService } from '../../services/rechecks/recheck-service.js';
import { findProjectResourcesDir } from '../../services/vulnerabilities/knowledge-base.js';
import { deploymentPath, type ServiceDefinitionList } from '../host/services-endpoint.js';
import { urlTransport } from '../host/ingress-transport.js';
import { RestateAdminClient } from '../host/restate-admin-client.js';
import type { StructuredLogger } from '../host/structured-logger.js';
import { registerWithCluster } from './cluster-host.js';
import { startServicesEndpoint, type ServicesEndpoint } from '../host/services-endpoint.js';
import { SPECTRA_SERVICE_DEFAULTS } from './service-defaults.js';

export interface ScannerWorkerOptions {
  host: string;
  port: number;
  identityKeys: string[];
  /** The site whose campaigns this worker scans; without one it scans campaigns that name none. */
  site?: string;
  /** The networks this worker may probe, as scope text (`10.1.0.0/16, 10.2.0.0/24`). */
  allowNetworks?: string;
  /**
   * Imported vulnerability feeds (`spectra feeds import` writes them to the
   * host's DATA_DIR/knowledge): point this at the same directory (a shared or
   * synced volume) so the worker matches with the coordinator's knowledge.
   */
  knowledgeDir?: string;
  resourcesDir?: string;
  /** When given, the worker registers `advertise` with this cluster admin at start. */
  registerWith?: { adminUrl: string; advertise: string; appVersion: string };
  logger: StructuredLogger;
}

export interface ScannerWorker {
  endpoint: ServicesEndpoint;
  serviceNames: string[];
  close(): Promise<void>;
}

/**
 * The services a scanner worker serves: the Scanner (under its site's name)
 * and, for the default pool, the Rechecks. Both refuse any address outside
 * the worker's allow list with a TerminalError, whatever the workflow asks,
 * and detect nmap on this machine.
 */
export function scannerWorkerServices(options: {
  site?: string;
  allowNetworks?: Scope;
  knowledgeDir: string;
  resourcesDir: string;
}): ServiceDefinitionList {
  const { allowNetworks, site } = options;
  const refuseAddress = allowNetworks
    ? (address: string) =>
        isAddressInScope(address, allowNetworks)
          ? undefined
          : `this worker${site ? ` (site ${site})` : ''} refuses ${address}: outside its allowed networks`
    : undefined;
  const loadKnowledge = createKnowledgeProvider({
    resourcesDir: options.resourcesDir,
    knowledgeDir: options.knowledgeDir,
  });
  const scanner = createScannerService(loadKnowledge, {
    serviceName: siteScannerName(site),
    refuseAddress,
    chooseEngineHere: true,
  });
  // Re-checks name no site; only the default pool serves them.
  return site ? [scanner] : [scanner, createRecheckService(loadKnowledge, { refuseAddress })];
}

export function parseAllowNetworks(text: string): Scope {
  const parsed = parseScope(text);
  if (!parsed.ok)
    throw new Error(`allowed networks "${text}": ${parsed.issues[0]?.message ?? 'invalid'}`);
  return parsed.value;
}

export async function startScannerWorker(options: ScannerWorkerOptions): Promise<ScannerWorker> {
  const logger = options.logger.child({ component: 'worker' });
  const services = scannerWorkerServices({
    site: options.site,
    allowNetworks:
      options.allowNetworks === undefined ? undefined : parseAllowNetworks(options.allowNetworks),
    knowledgeDir: options.knowledgeDir ?? '/nonexistent-knowledge-dir',
    resourcesDir: options.resourcesDir ?? findProjectResourcesDir(),
  });
  const endpoint = await startServicesEndpoint({
    defaultServiceOptions: SPECTRA_SERVICE_DEFAULTS,
    services,
    host: options.host,
    port: options.port,
    identityKeys: options.identityKeys,
    logger,
  });
  const serviceNames = services.map((service) => service.name);
  try {
    if (options.registerWith) {
      const { adminUrl, advertise, appVersion } = options.registerWith;
      const uri = advertise.replace(/\/+$/, '') + (await deploymentPath(appVersion, services));
      const registered = await registerWithCluster(
        new RestateAdminClient(urlTransport(adminUrl)),
        uri,
      );
      logger.info('worker registered', { deployment: registered.id, uri, services: serviceNames });
    }
  } catch (error) {
    await endpoint.close();
    throw error;
  }
  logger.info('worker ready', { host: endpoint.host, port: endpoint.port, services: serviceNames });
  return { endpoint, serviceNames, close: () => endpoint.close() };
}
