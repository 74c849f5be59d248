import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { buildSync } from 'esbuild';
import type { ProbeRun, ProbeSettings, ProbeTally } from './builtin-probing.js';
import type { ProbeThreadReply } from './builtin-probe-thread.js';

/**
 * Worker threads for the built-in engine. On loopback a connect scan is
 * bound by the CPU of the thread that makes the connections (the kernel's
 * share of a refused connect is paid in that thread too), and a Node thread
 * spends about twice what nmap spends per probe, so a large scan spreads its
 * probes over the cores. A thread lives for one scan: started with it, ended
 * after it, so an idle host keeps no thread or heap for it.
 */

/** What a probe thread receives (workerData): plain data and the shared tally's buffer. */
export interface ProbeThreadData {
  settings: ProbeSettings;
  tally: SharedArrayBuffer;
  concurrency: number;
}

const ENTRY_NAME = 'builtin-probe-thread';

interface ThreadEntry {
  url: URL;
  /** The TypeScript source (tsx, vitest): bundled for the thread before it starts. */
  fromSource: boolean;
}

/**
 * Where the thread's entry is: beside this code once bundled (out/cli or
 * out/main, this code in the entry file or in chunks/ below it), or the
 * TypeScript source beside this file when running from source.
 * Undefined when there is none: scans then stay on one thread.
 */
function findThreadEntry(): ThreadEntry | undefined {
  const here = import.meta.url;
  for (const candidate of [`./${ENTRY_NAME}.js`, `../${ENTRY_NAME}.js`]) {
    const url = new URL(candidate, here);
    if (url.protocol === 'file:' && existsSync(url)) return { url, fromSource: false };
  }
  const source = new URL(`./${ENTRY_NAME}.ts`, here);
  if (/\.ts$/.test(new URL(here).pathname) && existsSync(source)) {
    return { url: source, fromSource: true };
  }
  return undefined;
}

let entry: ThreadEntry | null | undefined;
let sourceBundle: string | undefined;

/** True when scans can spread over threads here. */
export function probeThreadsAvailable(): boolean {
  if (entry === undefined) entry = findThreadEntry() ?? null;
  return entry !== null;
}

/**
 * From source, the entry and what it imports, bundled once per process to one
 * CommonJS script by esbuild (a dependency, which the runtime build uses
 * too): a thread then starts as fast as from the compiled runtime, without a
 * TypeScript loader of its own.
 */
function bundleFromSource(found: ThreadEntry): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as { buildSync: typeof buildSync };
  sourceBundle ??= esbuild.buildSync({
    entryPoints: [fileURLToPath(found.url)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'error',
  }).outputFiles[0]!.text;
  return sourceBundle;
}

function startWorker(found: ThreadEntry, data: ProbeThreadData): Worker {
  // None of the caller's Node flags: some refuse a worker (`--input-type`), none is needed.
  const options = { workerData: data, execArgv: [] };
  if (!found.fromSource) return new Worker(found.url, options);
  return new Worker(bundleFromSource(found), { ...options, eval: true });
}

/**
 * Starts a thread that probes from `tally` (shared) with `concurrency`
 * connections, as `runProbes` does on the calling thread. Its `finished`
 * rejects when the thread fails or exits without answering.
 */
export function startProbeThread(
  settings: ProbeSettings,
  tally: ProbeTally,
  concurrency: number,
): ProbeRun {
  if (!probeThreadsAvailable() || !(tally.buffer instanceof SharedArrayBuffer)) {
    throw new Error('probe threads are not available here');
  }
  const worker = startWorker(entry!, { settings, tally: tally.buffer, concurrency });
  let answered = false;
  const finished = new Promise<Awaited<ProbeRun['finished']>>((resolve, reject) => {
    worker.once('message', (reply: ProbeThreadReply) => {
      answered = true;
      void worker.terminate();
      if ('found' in reply) resolve(reply.found);
      else reject(new Error(reply.error));
    });
    worker.once('error', (error) => {
      if (answered) return;
      answered = true;
      reject(new Error(`a probe thread failed: ${error.message}`));
    });
    worker.once('exit', (code) => {
      if (answered) return;
      answered = true;
      reject(new Error(`a probe thread exited (code ${code}) before it finished`));
    });
  });
  return {
    finished,
    stop: () => {
      answered = true;
      // Ending the thread closes every socket it had open.
      void worker.terminate();
    },
  };
}
