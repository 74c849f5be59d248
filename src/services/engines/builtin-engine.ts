import { availableParallelism } from 'node:os';
import type { EngineResult, HostSummary } from '../../shared/observation.js';
import {
  MAX_PROBES_PER_SCAN,
  ProbeTally,
  runProbes,
  type FoundPort,
  type ProbeRun,
  type ProbeSettings,
} from './builtin-probing.js';
import { probeThreadsAvailable, startProbeThread } from './builtin-probe-threads.js';
import { createTokenBucket, UNLIMITED, type TokenBucket } from './rate-limiter.js';
import { abortReason, assertScanInput, type ScanRequest } from './scan-engine.js';

export interface BuiltinScanOptions extends ScanRequest {
  /** Connections in flight at once. Each costs one file descriptor (two when the target is local). */
  concurrency?: number;
  /** New connections per second, across the whole scan (token bucket). Unlimited when absent. */
  ratePerSecond?: number;
  /** A connection not established by then counts as filtered. */
  connectTimeoutMs?: number;
  /** Read banners of open ports and identify their services. */
  grabBanners?: boolean;
  /** How long a silent service may stay silent before it gets a probe. */
  bannerWaitMs?: number;
  /** How long to wait for an answer to that probe. */
  probeReplyMs?: number;
  /**
   * Hard bound on one banner grab, from connect to verdict, whatever the peer
   * sends: a service dripping one byte at a time cannot keep a probe alive.
   */
  bannerDeadlineMs?: number;
  /** Probe through `net.Socket` only: the path taken where Node's bare TCP handle is unavailable. */
  socketsOnly?: boolean;
  /**
   * Threads that probe (the calling one included), sharing `concurrency`.
   * Default: one more per {@link PROBES_PER_EXTRA_THREAD} probes, as long as
   * all scans of this process together probe on no more threads than there
   * are cores (the event loop's thread, shared by every scan, counting once):
   * of two batches in flight on two cores, the first gets a worker thread and
   * the second none. A rate-limited scan always runs on one thread: the rate
   * is its bound.
   */
  threads?: number;
}

export const BUILTIN_DEFAULTS = {
  concurrency: 512,
  connectTimeoutMs: 1500,
  grabBanners: true,
  bannerWaitMs: 1000,
  probeReplyMs: 1500,
  bannerDeadlineMs: 4000,
} as const;

/**
 * A thread costs about 35 ms of CPU to start (an isolate; measured here) and
 * starts with cold code, and a loopback probe costs 12-15 us: below this many
 * probes for each thread, the start costs about what the thread saves.
 */
export const PROBES_PER_EXTRA_THREAD = 8192;
/**
 * A cap, not a measured optimum (this machine has two cores): two threads
 * already spend about 8% more CPU in total than one for the same probes, and
 * each holds its own heap while the scan runs.
 */
export const MAX_PROBE_THREADS = 4;
const PROGRESS_INTERVAL_MS = 250;

/** Worker threads probing for this process's scans right now (the event loop's thread not counted). */
let probeThreadsRunning = 0;

/** Worker threads to start beside the calling thread. */
function extraThreadCount(options: BuiltinScanOptions, total: number, concurrency: number): number {
  if (options.ratePerSecond !== undefined || !probeThreadsAvailable()) return 0;
  const wanted =
    options.threads ?? Math.min(MAX_PROBE_THREADS, Math.floor(total / PROBES_PER_EXTRA_THREAD));
  // Cores not already busy: the event loop's own, and other scans' threads.
  const free =
    options.threads === undefined
      ? availableParallelism() - 1 - probeThreadsRunning
      : Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(Math.floor(wanted) - 1, free, concurrency - 1, total - 1));
}

/**
 * TCP connect scan. Open ports come back as observations (with banner,
 * service, product and version when `grabBanners`), closed and filtered ports
 * only as per-host counts. Probes go out host by host, port by port
 * (builtin-probing.ts), on this thread and, for a large scan, on worker
 * threads too (builtin-probe-threads.ts); the result is the same either way.
 */
export function scanWithBuiltinEngine(options: BuiltinScanOptions): Promise<EngineResult> {
  const { hosts, ports, signal, onProgress, hostnames } = options;
  assertScanInput(hosts, ports);
  const total = hosts.length * ports.length;
  if (total > MAX_PROBES_PER_SCAN) {
    throw new RangeError(`${total} probes are too many for one scan: split the hosts into batches`);
  }
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? BUILTIN_DEFAULTS.concurrency));
  const settings: ProbeSettings = {
    hosts,
    ports,
    ...(hostnames !== undefined && { hostnames }),
    connectTimeoutMs: options.connectTimeoutMs ?? BUILTIN_DEFAULTS.connectTimeoutMs,
    grabBanners: options.grabBanners ?? BUILTIN_DEFAULTS.grabBanners,
    bannerWaitMs: options.bannerWaitMs ?? BUILTIN_DEFAULTS.bannerWaitMs,
    probeReplyMs: options.probeReplyMs ?? BUILTIN_DEFAULTS.probeReplyMs,
    bannerDeadlineMs: options.bannerDeadlineMs ?? BUILTIN_DEFAULTS.bannerDeadlineMs,
    socketsOnly: options.socketsOnly ?? false,
  };
  const bucket: TokenBucket =
    options.ratePerSecond === undefined
      ? UNLIMITED
      : createTokenBucket({ ratePerSecond: options.ratePerSecond });
  const extraThreads = extraThreadCount(options, total, concurrency);
  const tally = ProbeTally.create(hosts.length, ports.length, extraThreads > 0);
  const startedAt = new Date().toISOString();

  return new Promise<EngineResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    probeThreadsRunning += extraThreads;
    let stopped = false;
    let lastProgressAt = 0;
    let countedHere = 0;
    const runs: ProbeRun[] = [];

    const reportProgress = (force: boolean): void => {
      if (!onProgress) return;
      const now = performance.now();
      if (!force && now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
      lastProgressAt = now;
      onProgress(tally.progress(total));
    };
    // Probes of other threads (and a slow tail) are reported even while this thread has none finishing.
    const progressTimer = onProgress
      ? setInterval(() => reportProgress(false), PROGRESS_INTERVAL_MS)
      : undefined;

    const shutDown = (): void => {
      stopped = true;
      probeThreadsRunning -= extraThreads;
      clearInterval(progressTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    const stop = (error: unknown): void => {
      if (stopped) return;
      shutDown();
      for (const run of runs) run.stop();
      reject(error);
    };
    const onAbort = (): void => stop(abortReason(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });

    const finishScan = (parts: FoundPort[][]): void => {
      if (stopped) return;
      shutDown();
      reportProgress(true);
      const found = parts.flat();
      found.sort(
        (left, right) =>
          left.hostIndex - right.hostIndex || left.observation.port - right.observation.port,
      );
      const summaries: HostSummary[] = hosts.map((host, index) => {
        const hostname = hostnames?.get(host);
        const { open, closed, filtered } = tally.hostCounts(index);
        return {
          host,
          ...(hostname !== undefined && { hostname }),
          reachable: open + closed > 0,
          open,
          closed,
          filtered,
        };
      });
      resolve({
        engine: 'builtin',
        observations: found.map((entry) => entry.observation),
        hosts: summaries,
        startedAt,
        finishedAt: new Date().toISOString(),
      });
    };

    // A stop can come while runs are being started (an onProgress that aborts): such runs stop at once.
    const addRun = (run: ProbeRun): void => {
      runs.push(run);
      if (stopped) run.stop();
    };
    // Connections split evenly; this thread takes the remainder.
    const perThread = Math.floor(concurrency / (extraThreads + 1));
    addRun(
      runProbes(settings, tally, {
        concurrency: concurrency - perThread * extraThreads,
        bucket,
        onCounted: (hostFinished) => {
          countedHere += 1;
          if (hostFinished || (countedHere & 63) === 0) reportProgress(false);
        },
      }),
    );
    for (let thread = 0; thread < extraThreads && !stopped; thread += 1) {
      addRun(startProbeThread(settings, tally, perThread));
    }
    Promise.all(runs.map((run) => run.finished)).then(finishScan, stop);
  });
}
