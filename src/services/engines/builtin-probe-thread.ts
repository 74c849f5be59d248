import { parentPort, workerData } from 'node:worker_threads';
import { ProbeTally, runProbes, type FoundPort } from './builtin-probing.js';
import type { ProbeThreadData } from './builtin-probe-threads.js';
import { UNLIMITED } from './rate-limiter.js';

/**
 * Entry of a worker thread that takes part in one built-in scan
 * (builtin-probe-threads.ts starts it, and ends it once it has answered).
 * A bundled entry point of its own: bin/runtime-build.mjs and
 * electron.vite.config.ts build it beside the code that starts it.
 */

/** What the thread posts back, once. */
export type ProbeThreadReply = { found: FoundPort[] } | { error: string };

const data = workerData as ProbeThreadData;
const port = parentPort!;
const tally = new ProbeTally(data.tally, data.settings.hosts.length);
// Rate-limited scans never spread over threads (builtin-engine.ts): no bucket here.
runProbes(data.settings, tally, { concurrency: data.concurrency, bucket: UNLIMITED }).finished.then(
  (found) => port.postMessage({ found } satisfies ProbeThreadReply),
  (error: unknown) =>
    port.postMessage({
      error: error instanceof Error ? error.message : String(error),
    } satisfies ProbeThreadReply),
);
