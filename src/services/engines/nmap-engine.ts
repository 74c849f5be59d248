import { setMaxListeners } from 'node:events';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import type { EngineResult, HostSummary, Observation } from '../../shared/observation.js';
import { NmapXmlStream, type NmapHostReport, type NmapRunSummary } from './nmap-xml.js';
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
  /**
   * Refines open ports while nmap scans on: called for each chunk of nmap's
   * output that completes hosts (nmap prints a host group at a time, in one or
   * a few chunks), with the open ports of those hosts (hostnames included),
   * and resolves to the same observations refined (batch-scan.ts grabs their
   * banners). `signal` aborts when the scan is cancelled or fails. The result
   * waits for every call; a rejection fails the scan.
   */
  refineOpenPorts?: (observations: Observation[], signal: AbortSignal) => Promise<Observation[]>;
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
/** nmap's XML is read as it streams; more than this (about 2 KB per 100-port host) is not an nmap scan we asked for. */
const MAX_NMAP_OUTPUT_BYTES = 512 * 1024 * 1024;

/**
 * Runs nmap once, feeding its stdout to `stream` as it arrives, and calls
 * `afterOutput` after each chunk. Aborting `signal` kills nmap and rejects
 * with the signal's reason; so does `fail`, which the XML stream's errors go to.
 */
async function runNmap(
  nmapPath: string,
  hosts: readonly string[],
  options: NmapScanOptions,
  ipv6: boolean,
  signal: AbortSignal,
  fail: (error: unknown) => void,
  stream: NmapXmlStream,
  afterOutput: () => void,
): Promise<NmapRunSummary> {
  const subprocess = execa(nmapPath, buildNmapArguments(options, ipv6), {
    input: `${hosts.join('\n')}\n`,
    reject: false,
    stripFinalNewline: false,
    // stdout is read as it streams (below), never kept whole.
    buffer: { stdout: false },
    forceKillAfterDelay: 2000,
    cancelSignal: signal,
    env: { LC_ALL: 'C' },
  });
  let outputBytes = 0;
  subprocess.stdout?.on('data', (chunk: Buffer) => {
    if (signal.aborted) return;
    outputBytes += chunk.length;
    if (outputBytes > MAX_NMAP_OUTPUT_BYTES) {
      fail(
        new NmapFailedError(`nmap's output exceeded ${MAX_NMAP_OUTPUT_BYTES} bytes`, undefined, ''),
      );
      return;
    }
    try {
      stream.write(chunk);
    } catch (error) {
      fail(error);
      return;
    }
    afterOutput();
  });
  const result = await subprocess;
  if (signal.aborted) throw abortReason(signal);
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
  const run = stream.end();
  if (run.errorMessage) {
    throw new NmapFailedError(
      `nmap reported an error: ${run.errorMessage}`,
      result.exitCode,
      stderr,
    );
  }
  return run;
}

/**
 * Runs `nmap -sT -T4 -n -Pn` (plus `-sV` with service detection) and returns
 * the same EngineResult as the built-in engine. IPv4 and IPv6 targets go in
 * separate runs because nmap scans one family per run. nmap's XML is parsed
 * as it streams, and the open ports of each host group nmap prints go to
 * `refineOpenPorts` at once, so refining them overlaps the scan of the next
 * group.
 */
export async function scanWithNmapEngine(options: NmapScanOptions): Promise<EngineResult> {
  const { hosts, ports, hostnames, onProgress, refineOpenPorts } = options;
  assertScanInput(hosts, ports);
  if (options.signal?.aborted) throw abortReason(options.signal);
  const startedAt = new Date().toISOString();
  const nmapPath = options.nmapPath ?? (await findNmap());
  if (!nmapPath) throw new NmapNotFoundError();

  // Aborted by the caller, or by the first failure (nmap's, the XML's or a refinement's):
  // either way nmap is killed and pending refinements stop.
  const failure = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, failure.signal])
    : failure.signal;
  const fail = (error: unknown): void => failure.abort(error);
  // nmap and every refinement in flight (one per chunk of output) listen to it, each until it ends.
  setMaxListeners(0, signal);

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

  const byAddress = new Map<string, NmapHostReport>();
  /** Hosts with open ports reported since the last chunk of output, refined together. */
  let reported: NmapHostReport[] = [];
  const refinements: Array<Promise<void>> = [];
  const refineReported = (): void => {
    if (!refineOpenPorts || reported.length === 0) return;
    const group = reported;
    reported = [];
    refinements.push(
      refineOpenPorts(
        group.flatMap((host) => host.observations),
        signal,
      ).then((refined) => {
        const byHost = new Map(group.map((host) => [host.address, [] as Observation[]]));
        for (const observation of refined) byHost.get(observation.host)?.push(observation);
        for (const host of group) host.observations = byHost.get(host.address)!;
      }, fail),
    );
  };
  const onHost = (host: NmapHostReport): void => {
    const hostname = hostnames?.get(host.address);
    if (hostname !== undefined)
      host.observations = host.observations.map((observation) => ({ ...observation, hostname }));
    byAddress.set(host.address, host);
    openSoFar += host.observations.length;
    if (host.observations.length > 0) reported.push(host);
  };

  try {
    if (ports.length > 0) {
      for (const [familyIndex, familyHosts] of families.entries()) {
        if (familyHosts.length === 0) continue;
        const before = completedHosts;
        const reader = new NmapProgressReader(
          familyHosts.length,
          ports.length,
          options.timing ?? 4,
        );
        let progressed = false;
        const stream = new NmapXmlStream({
          onHost: (host) => {
            onHost(host);
            if (reader.hostReported()) progressed = true;
          },
          onTaskProgress: (task, percent) => {
            if (reader.taskProgressed(task, percent)) progressed = true;
          },
        });
        await runNmap(
          nmapPath,
          familyHosts,
          options,
          familyIndex === 1,
          signal,
          fail,
          stream,
          () => {
            refineReported();
            if (!progressed || !onProgress) return;
            progressed = false;
            completedHosts = before + reader.hostsDone();
            reportProgress();
          },
        );
        // Hosts nmap held back to the end (see NmapXmlStream).
        refineReported();
        completedHosts = before + familyHosts.length;
      }
    }
    completedHosts = distinct.length;
    reportProgress();
    await Promise.all(refinements);
    if (signal.aborted) throw abortReason(signal);
  } catch (error) {
    // Stops what is still running (nmap, refinements) whatever failed first.
    failure.abort(error);
    throw error;
  }

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
  for (const host of distinct) observations.push(...(byAddress.get(host)?.observations ?? []));
  return {
    engine: 'nmap',
    observations,
    hosts: summaries,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}
