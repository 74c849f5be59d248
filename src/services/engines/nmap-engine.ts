import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import type { EngineResult, HostSummary, Observation } from '../../shared/observation.js';
import { parseNmapXml, type NmapReport } from './nmap-xml.js';
import { NMAP_STATS_INTERVAL, NmapProgressReader } from './nmap-progress.js';
import { formatPorts } from '../../shared/port-spec.js';
import { abortReason, assertScanInput, type ScanRequest } from './scan-engine.js';

export interface NmapScanOptions extends ScanRequest {
  /** `-sV`: identify products and versions (slower: nmap sends its probes to every open port). */
  serviceDetection?: boolean;
  /** `--version-intensity` 0-9, only with service detection. */
  versionIntensity?: number;
  /** `-T` template 0-5; 4 unless given. */
  timing?: number;
  /** Absolute path of the nmap binary; found on PATH when absent. */
  nmapPath?: string;
}

export class NmapNotFoundError extends Error {
  constructor() {
    super(
      'nmap was not found on PATH; install it (e.g. `apt-get install nmap`) or use the built-in engine',
    );
    this.name = 'NmapNotFoundError';
  }
}

export class NmapFailedError extends Error {
  readonly exitCode: number | undefined;
  readonly stderr: string;
  constructor(message: string, exitCode: number | undefined, stderr: string) {
    super(message);
    this.name = 'NmapFailedError';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Absolute path of the first executable `nmap` on PATH, or undefined. */
export async function findNmap(pathVariable = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const directory of pathVariable.split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, 'nmap');
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

export async function isNmapAvailable(): Promise<boolean> {
  return (await findNmap()) !== undefined;
}

/**
 * nmap's argument vector. Targets are not in it: they go through stdin
 * (`-iL -`), so nothing derived from user input can become an nmap option
 * and no target list can overflow argv.
 */
export function buildNmapArguments(
  options: Pick<
    NmapScanOptions,
    'ports' | 'serviceDetection' | 'versionIntensity' | 'timing' | 'onProgress'
  >,
  ipv6 = false,
): string[] {
  const timing = options.timing ?? 4;
  if (!Number.isInteger(timing) || timing < 0 || timing > 5) {
    throw new RangeError(`timing must be 0-5, got ${timing}`);
  }
  const argumentsList = ['-sT', `-T${timing}`, '-n', '-Pn'];
  if (ipv6) argumentsList.push('-6');
  if (options.serviceDetection) {
    argumentsList.push('-sV');
    if (options.versionIntensity !== undefined) {
      const intensity = options.versionIntensity;
      if (!Number.isInteger(intensity) || intensity < 0 || intensity > 9) {
        throw new RangeError(`versionIntensity must be 0-9, got ${intensity}`);
      }
      argumentsList.push('--version-intensity', String(intensity));
    }
  }
  // Progress within a host group (nmap prints hosts only when their group ends): see nmap-progress.ts.
  if (options.onProgress) argumentsList.push('--stats-every', NMAP_STATS_INTERVAL);
  argumentsList.push('-oX', '-', '-p', formatPorts(options.ports), '-iL', '-');
  return argumentsList;
}

const MAX_STDERR_IN_MESSAGE = 2000;

async function runNmap(
  nmapPath: string,
  hosts: readonly string[],
  options: NmapScanOptions,
  ipv6: boolean,
  onOutput: (chunk: Buffer) => void,
): Promise<NmapReport> {
  const subprocess = execa(nmapPath, buildNmapArguments(options, ipv6), {
    input: `${hosts.join('\n')}\n`,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 512 * 1024 * 1024,
    forceKillAfterDelay: 2000,
    ...(options.signal && { cancelSignal: options.signal }),
    env: { LC_ALL: 'C' },
  });
  subprocess.stdout?.on('data', onOutput);
  const result = await subprocess;
  if (options.signal?.aborted) throw abortReason(options.signal);
  const stderr = String(result.stderr ?? '').slice(-MAX_STDERR_IN_MESSAGE);
  if (result.failed && (result.code === 'ENOENT' || result.code === 'EACCES')) {
    throw new NmapNotFoundError();
  }
  if (result.exitCode !== 0) {
    const how =
      result.exitCode === undefined
        ? `was killed (${result.signal ?? 'unknown signal'})`
        : `exited with ${result.exitCode}`;
    throw new NmapFailedError(
      `nmap ${how}: ${stderr.trim() || result.shortMessage}`,
      result.exitCode,
      stderr,
    );
  }
  const report = parseNmapXml(String(result.stdout));
  if (report.errorMessage) {
    throw new NmapFailedError(
      `nmap reported an error: ${report.errorMessage}`,
      result.exitCode,
      stderr,
    );
  }
  return report;
}

/**
 * Runs `nmap -sT -T4 -n -Pn` (plus `-sV` with service detection) and returns
 * the same EngineResult as the built-in engine. IPv4 and IPv6 targets go in
 * separate runs because nmap scans one family per run.
 */
export async function scanWithNmapEngine(options: NmapScanOptions): Promise<EngineResult> {
  const { hosts, ports, hostnames, signal, onProgress } = options;
  assertScanInput(hosts, ports);
  if (signal?.aborted) throw abortReason(signal);
  const startedAt = new Date().toISOString();
  const nmapPath = options.nmapPath ?? (await findNmap());
  if (!nmapPath) throw new NmapNotFoundError();

  const distinct = [...new Set(hosts)];
  const families = [
    distinct.filter((host) => !isIPv6(host)),
    distinct.filter((host) => isIPv6(host)),
  ];
  const total = distinct.length * ports.length;
  let completedHosts = 0;
  let openSoFar = 0;
  const reportProgress = (): void =>
    onProgress?.({
      completed: Math.min(total, completedHosts * ports.length),
      total,
      open: openSoFar,
      hostsDone: completedHosts,
    });

  const byAddress = new Map<string, { summary: HostSummary; observations: Observation[] }>();
  if (ports.length > 0) {
    for (const [familyIndex, familyHosts] of families.entries()) {
      if (familyHosts.length === 0) continue;
      const before = completedHosts;
      const reader = new NmapProgressReader(familyHosts.length, ports.length, options.timing ?? 4);
      const report = await runNmap(nmapPath, familyHosts, options, familyIndex === 1, (chunk) => {
        if (!onProgress || !reader.read(chunk)) return;
        completedHosts = before + reader.hostsDone();
        reportProgress();
      });
      completedHosts = before + familyHosts.length;
      for (const host of report.hosts) {
        openSoFar += host.observations.length;
        byAddress.set(host.address, host);
      }
    }
  }
  completedHosts = distinct.length;
  reportProgress();

  const observations: Observation[] = [];
  const summaries: HostSummary[] = hosts.map((host) => {
    const hostname = hostnames?.get(host);
    const found = byAddress.get(host);
    const summary: HostSummary = found?.summary ?? {
      host,
      reachable: false,
      open: 0,
      closed: 0,
      filtered: 0,
    };
    return { ...summary, host, ...(hostname !== undefined && { hostname }) };
  });
  for (const host of distinct) {
    const hostname = hostnames?.get(host);
    for (const observation of byAddress.get(host)?.observations ?? []) {
      observations.push(hostname === undefined ? observation : { ...observation, hostname });
    }
  }
  return {
    engine: 'nmap',
    observations,
    hosts: summaries,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}
