import type { EngineResult, Observation, ScanEngineName } from '../../shared/observation.js';
import { BUILTIN_DEFAULTS, scanWithBuiltinEngine } from '../engines/builtin-engine.js';
import { isNmapAvailable, scanWithNmapEngine } from '../engines/nmap-engine.js';
import type { ScanEngineChoice } from '../../shared/campaign-plan.js';
import type { ScanProgress } from '../engines/scan-engine.js';

/**
 * The plain functions the Scanner service calls inside its journaled steps.
 * No Restate here: they are unit- and integration-tested on the loopback lab.
 */

/**
 * Probing steps retry a transient socket error a few times, then give up: a
 * failed batch becomes a result (and a failed re-check an error), never an
 * endless retry.
 */
export const PROBE_RETRY_POLICY = {
  maxRetryAttempts: 3,
  initialRetryInterval: 500,
  maxRetryInterval: 5_000,
} as const;

/** `auto` means nmap when it is installed, else the built-in engine. */
export async function chooseEngine(choice: ScanEngineChoice): Promise<ScanEngineName> {
  if (choice === 'builtin') return 'builtin';
  const available = await isNmapAvailable();
  if (choice === 'nmap' && !available)
    throw new Error('the nmap engine was requested but nmap is not on PATH');
  return available ? 'nmap' : 'builtin';
}

export interface EngineRunOptions {
  engine: ScanEngineName;
  addresses: readonly string[];
  ports: readonly number[];
  hostnames: Record<string, string>;
  serviceDetection?: boolean;
  connectTimeoutMs?: number;
  ratePerSecond?: number;
  /** Live progress from the engine (throttled by it); see live-batch-progress.ts. */
  onProgress?: (progress: ScanProgress) => void;
  /** Aborting stops the scan: nmap is killed, sockets are released, pending identification stops. */
  signal?: AbortSignal;
}

/**
 * Runs the chosen engine. Without nmap's `-sV`, open ports found by nmap are
 * identified by the built-in banner grabber (only those ports are touched),
 * host group by host group while nmap scans the next, so both engines yield
 * products and versions to match against the knowledge.
 */
export async function runEngine(options: EngineRunOptions): Promise<EngineResult> {
  const hostnames = new Map(Object.entries(options.hostnames));
  if (options.addresses.length === 0) {
    const now = new Date().toISOString();
    return { engine: options.engine, observations: [], hosts: [], startedAt: now, finishedAt: now };
  }
  if (options.engine === 'builtin') {
    return scanWithBuiltinEngine({
      hosts: options.addresses,
      ports: options.ports,
      hostnames,
      connectTimeoutMs: options.connectTimeoutMs,
      ratePerSecond: options.ratePerSecond,
      onProgress: options.onProgress,
      signal: options.signal,
    });
  }
  return scanWithNmapEngine({
    hosts: options.addresses,
    ports: options.ports,
    hostnames,
    serviceDetection: options.serviceDetection,
    onProgress: options.onProgress,
    signal: options.signal,
    ...(!options.serviceDetection && {
      refineOpenPorts: (observations, signal) =>
        identifyOpenPorts(observations, options.connectTimeoutMs, signal),
    }),
  });
}

/** Connections in flight per host while its open ports are identified. */
const IDENTIFY_CONCURRENCY_PER_HOST = 8;

/**
 * Grabs the banners of open ports nmap found and puts what they say (service,
 * product, version, CPE, banner) on the observations, which keep their order.
 * Hosts with the same open ports share one built-in scan of exactly those
 * ports (one call per host cost more CPU than the grabs of a 2-port host).
 */
export async function identifyOpenPorts(
  observations: Observation[],
  connectTimeoutMs: number | undefined,
  signal?: AbortSignal,
): Promise<Observation[]> {
  const portsByHost = new Map<string, number[]>();
  for (const observation of observations) {
    const ports = portsByHost.get(observation.host);
    if (ports) ports.push(observation.port);
    else portsByHost.set(observation.host, [observation.port]);
  }
  const hostsByPorts = new Map<string, { ports: number[]; hosts: string[] }>();
  for (const [host, ports] of portsByHost) {
    const key = ports.join(',');
    const entry = hostsByPorts.get(key);
    if (entry) entry.hosts.push(host);
    else hostsByPorts.set(key, { ports, hosts: [host] });
  }
  const identified = new Map<string, Observation>();
  await Promise.all(
    [...hostsByPorts.values()].map(async ({ ports, hosts }) => {
      const result = await scanWithBuiltinEngine({
        hosts,
        ports,
        connectTimeoutMs,
        concurrency: Math.min(
          BUILTIN_DEFAULTS.concurrency,
          hosts.length * Math.min(ports.length, IDENTIFY_CONCURRENCY_PER_HOST),
        ),
        signal,
      });
      for (const observation of result.observations)
        identified.set(`${observation.host}:${observation.port}`, observation);
    }),
  );
  return observations.map((observation) => {
    const banner = identified.get(`${observation.host}:${observation.port}`);
    if (!banner) return observation;
    return {
      ...observation,
      service: banner.service ?? observation.service,
      product: banner.product ?? observation.product,
      version: banner.version ?? observation.version,
      cpe: banner.cpe ?? observation.cpe,
      banner: banner.banner,
    };
  });
}
