import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Full garbage collections once the services endpoint has been idle for a
 * while (no invocation stream open for `idleMs`). V8 collects often while a
 * campaign runs and then not at all, so an idle host would keep what the last
 * campaign left: garbage, pooled heap pages, and bytecode of functions that
 * ran once (V8 drops it after a few full collections in which the function
 * did not run). "Last resort" collections also release the freed pages.
 * Measured 5 s after a 16-host x 100-port campaign: idle host RSS 92-95 ->
 * 87 MB; the four collections take ~100 ms of CPU, once per idle period.
 *
 * Needs `gc` (Node's --expose-gc, or exposeGarbageCollector() below, which
 * `spectra serve` calls); without it (tests, Electron) this does nothing.
 */
export interface IdleGarbageCollector {
  streamOpened(): void;
  streamClosed(): void;
  stop(): void;
}

export interface IdleGarbageCollectionOptions {
  /** How long no stream may be open before collecting. */
  idleMs?: number;
  /** Full collections per idle period, one per timer tick so I/O runs in between. */
  rounds?: number;
  /** The collector; `globalThis.gc` by default. */
  collect?: (() => void) | undefined;
}

export const IDLE_GARBAGE_COLLECTION = { idleMs: 2_000, rounds: 4 } as const;

export function collectGarbageWhenIdle(
  options: IdleGarbageCollectionOptions = {},
): IdleGarbageCollector {
  const collect = 'collect' in options ? options.collect : exposedGarbageCollector();
  const idleMs = options.idleMs ?? IDLE_GARBAGE_COLLECTION.idleMs;
  const rounds = options.rounds ?? IDLE_GARBAGE_COLLECTION.rounds;
  let openStreams = 0;
  // Collect once per idle period: only after a stream was opened since.
  let activeSinceCollection = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const schedule = (delay: number, action: () => void) => {
    clearTimeout(timer);
    timer = setTimeout(action, delay);
    timer.unref();
  };
  const collectRound = (remaining: number) => {
    if (stopped || openStreams > 0 || remaining === 0) return;
    collect!();
    if (remaining > 1) schedule(0, () => collectRound(remaining - 1));
  };
  const whenIdle = () => {
    if (stopped || openStreams > 0 || !activeSinceCollection) return;
    activeSinceCollection = false;
    collectRound(rounds);
  };

  if (!collect) return { streamOpened: () => {}, streamClosed: () => {}, stop: () => {} };
  return {
    streamOpened() {
      openStreams += 1;
      activeSinceCollection = true;
      clearTimeout(timer);
    },
    streamClosed() {
      openStreams = Math.max(0, openStreams - 1);
      if (openStreams === 0) schedule(idleMs, whenIdle);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Makes `gc` available as Node's --expose-gc would, in a process started
 * without the flag: `spectra serve` runs in the process the analyst started,
 * with the flags of whatever `node` ran it. A flag set after start-up applies
 * to contexts created after it, hence the new context to take `gc` from.
 */
export function exposeGarbageCollector(): void {
  const global = globalThis as { gc?: unknown };
  if (typeof global.gc === 'function') return;
  setFlagsFromString('--expose-gc');
  global.gc = runInNewContext('gc') as unknown;
}

function exposedGarbageCollector(): (() => void) | undefined {
  const candidate = (globalThis as { gc?: unknown }).gc;
  if (typeof candidate !== 'function' || !V8_HAS_LAST_RESORT_COLLECTIONS) return undefined;
  return () =>
    (candidate as (options: object) => void)({
      type: 'major',
      execution: 'sync',
      flavor: 'last-resort',
    });
}

/**
 * V8 >= 12 (Node 22, Electron) has last-resort collections, which shrink the
 * heap's pools as V8's own memory reducer does. V8 11 (Node 20) has none:
 * there gc() with options is a minor collection (a Scavenge under
 * --trace-gc), and a plain gc() frees garbage but keeps the heap's pools
 * (idle host 102 -> 99 MB) and puts off V8's memory reducer, whose
 * shrinking collections ~8 s after the last activity take it to 79-86 MB.
 * So on V8 11 the host leaves idle collection to V8.
 */
const V8_HAS_LAST_RESORT_COLLECTIONS = Number(process.versions.v8.split('.')[0]) >= 12;
