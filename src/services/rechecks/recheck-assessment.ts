import type { Observation } from '../../shared/observation.js';
import type { RecheckOutcome } from '../../shared/recheck.js';
import type { RecheckTrigger, ServiceCheck, ThreatRecord } from '../../shared/threat.js';
import type { Finding } from '../../shared/vulnerability.js';

/**
 * Pure decisions of a re-check: which services to probe, in which steps, and
 * what the probe results mean. The Rechecks service only runs the probes.
 */

export interface RecheckTarget {
  host: string;
  port: number;
}

/** Hosts probed by one journal step. */
export const HOSTS_PER_PROBE = 64;
/** Services named one by one in a verdict's details; the rest are counted. */
const DETAILS_LISTED = 10;

/** Every affected (host, port) of a record, once each, in record order. */
export function recheckTargets(record: ThreatRecord): RecheckTarget[] {
  const seen = new Set<string>();
  const targets: RecheckTarget[] = [];
  for (const service of record.affected) {
    const key = `${service.host}:${service.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push({ host: service.host, port: service.port });
  }
  return targets;
}

export interface ProbeStep {
  hosts: string[];
  ports: number[];
  /** The journal step's name: what it touches. */
  name: string;
}

/**
 * Groups targets into engine runs: hosts with the same affected ports share
 * a run (at most HOSTS_PER_PROBE hosts each), so only the affected ports of
 * each host are ever touched.
 */
export function planProbeSteps(targets: readonly RecheckTarget[]): ProbeStep[] {
  const portsByHost = new Map<string, Set<number>>();
  for (const target of targets) {
    const ports = portsByHost.get(target.host) ?? new Set<number>();
    ports.add(target.port);
    portsByHost.set(target.host, ports);
  }
  const hostsByPortSet = new Map<string, { ports: number[]; hosts: string[] }>();
  for (const [host, portSet] of portsByHost) {
    const ports = [...portSet].sort((left, right) => left - right);
    const key = ports.join(',');
    const group = hostsByPortSet.get(key) ?? { ports, hosts: [] };
    group.hosts.push(host);
    hostsByPortSet.set(key, group);
  }
  const steps: ProbeStep[] = [];
  for (const { ports, hosts } of hostsByPortSet.values()) {
    for (let start = 0; start < hosts.length; start += HOSTS_PER_PROBE) {
      const chunk = hosts.slice(start, start + HOSTS_PER_PROBE);
      const label =
        chunk.length === 1
          ? chunk[0]!
          : `${chunk[0]} … ${chunk[chunk.length - 1]} (${chunk.length} hosts)`;
      steps.push({ hosts: chunk, ports, name: `re-probe ${label} on port ${ports.join(',')}` });
    }
  }
  return steps;
}

export interface RecheckEvidence {
  cve: string;
  generation: number;
  trigger: RecheckTrigger;
  checkedAt: string;
  targets: readonly RecheckTarget[];
  /** Open ports the re-probe saw. */
  observations: readonly Observation[];
  /** What the current knowledge matches on them (any CVE; only `cve` counts). */
  findings: readonly Finding[];
}

/**
 * The verdict: still vulnerable if any affected service still answers with a
 * product and version the CVE applies to; verified when every one is closed,
 * unreachable or now something the CVE does not apply to.
 */
export function assessRecheck(evidence: RecheckEvidence): RecheckOutcome {
  const vulnerable = new Map<string, Finding>();
  for (const finding of evidence.findings) {
    if (finding.cve === evidence.cve) vulnerable.set(`${finding.host}:${finding.port}`, finding);
  }
  const open = new Map<string, Observation>();
  for (const observation of evidence.observations)
    open.set(`${observation.host}:${observation.port}`, observation);

  const services: ServiceCheck[] = evidence.targets.map(({ host, port }) => {
    const key = `${host}:${port}`;
    const finding = vulnerable.get(key);
    if (finding)
      return {
        host,
        port,
        state: 'vulnerable',
        product: finding.product,
        version: finding.version,
      };
    const observation = open.get(key);
    if (observation) {
      return {
        host,
        port,
        state: 'patched',
        ...(observation.product ? { product: observation.product } : {}),
        ...(observation.version ? { version: observation.version } : {}),
      };
    }
    return { host, port, state: 'closed' };
  });

  const stillVulnerable = services.filter((service) => service.state === 'vulnerable');
  const verdict = stillVulnerable.length > 0 ? 'still-vulnerable' : 'verified';
  const details =
    verdict === 'still-vulnerable'
      ? `still vulnerable on ${listServices(stillVulnerable)}`
      : `no longer vulnerable: ${listServices(services)}`;
  return {
    cve: evidence.cve,
    generation: evidence.generation,
    trigger: evidence.trigger,
    verdict,
    checkedAt: evidence.checkedAt,
    details,
    services,
  };
}

function describeService(service: ServiceCheck): string {
  const software = [service.product, service.version].filter(Boolean).join(' ');
  if (service.state === 'vulnerable')
    return `${service.host}:${service.port}${software ? ` (${software})` : ''}`;
  if (service.state === 'patched')
    return `${service.host}:${service.port} now ${software || 'unidentified'}`;
  return `${service.host}:${service.port} closed`;
}

function listServices(services: readonly ServiceCheck[]): string {
  const listed = services.slice(0, DETAILS_LISTED).map(describeService).join(', ');
  const more = services.length - DETAILS_LISTED;
  return more > 0 ? `${listed} and ${more} more` : listed;
}
