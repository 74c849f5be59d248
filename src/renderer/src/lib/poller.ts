/** Whether the page is visible, and a way to hear when that changes. */
export interface VisibilitySource {
  isHidden(): boolean;
  /** Returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

export function documentVisibility(document: Document): VisibilitySource {
  return {
    isHidden: () => document.visibilityState === 'hidden',
    onChange: (listener) => {
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    },
  };
}

export interface PollerOptions {
  /** Delay between polls while the page is visible and the last poll succeeded. */
  intervalMs: number;
  /** Delay while the page is hidden: polling slows down but does not stop. */
  hiddenIntervalMs: number;
  /** Failed polls double the delay up to this. */
  maxBackoffMs: number;
  visibility: VisibilitySource;
  timers?: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'>;
}

/** The delay before the next poll. Exported for tests. */
export function nextPollDelay(
  options: Pick<PollerOptions, 'intervalMs' | 'hiddenIntervalMs' | 'maxBackoffMs'>,
  hidden: boolean,
  consecutiveFailures: number,
): number {
  const base = hidden ? options.hiddenIntervalMs : options.intervalMs;
  if (consecutiveFailures === 0) return base;
  return Math.min(options.maxBackoffMs, Math.max(base, base * 2 ** consecutiveFailures));
}

/**
 * Runs `task` now, then again after each delay; never two at once. The task
 * says whether to keep going (false stops, e.g. a campaign that finished).
 * Becoming visible polls at once, so a returning analyst never sees a stale
 * view for a whole hidden interval. Returns the stop function.
 */
export function startPolling(task: () => Promise<boolean>, options: PollerOptions): () => void {
  const timers = options.timers ?? globalThis;
  let stopped = false;
  let running = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const schedule = () => {
    if (stopped) return;
    timer = timers.setTimeout(run, nextPollDelay(options, options.visibility.isHidden(), failures));
  };
  const run = async () => {
    timer = undefined;
    if (stopped || running) return;
    running = true;
    let keepGoing = true;
    try {
      keepGoing = await task();
      failures = 0;
    } catch {
      failures += 1;
    } finally {
      running = false;
    }
    if (keepGoing) schedule();
    else stop();
  };
  const unsubscribe = options.visibility.onChange(() => {
    if (stopped || options.visibility.isHidden() || running) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    void run();
  });
  const stop = () => {
    stopped = true;
    if (timer !== undefined) timers.clearTimeout(timer);
    unsubscribe();
  };
  void run();
  return stop;
}
