/**
 * How the long-lived host `spectra serve` starts is run: a desktop daemon that
 * is idle most of the time, so memory held between campaigns counts more than
 * the last percent of speed inside one. Each setting was measured with
 * /proc/PID/smaps_rollup 5 s after a 16-host x 100-port campaign (idle RSS of
 * the host; `npm run bench` prints the same figure).
 */

/**
 * - V8's default young generation (semi-spaces up to 16 MB), not a 2 MB cap:
 *   with the idle collection below, the cap no longer saves idle memory (host
 *   RSS 8 s after campaigns: 256 x 100, 97.5 vs 97.7 MB; 4,096 x 100, 143 vs
 *   145 MB), while its extra scavenges cost a 4,096 x 100 campaign ~14% of the
 *   host's CPU (two campaigns: 15.5 vs 13.4 s; GC 3.3 vs 1.4 s in a CPU profile).
 *   1 MB semi-spaces and `--optimize-for-size` made campaigns slower still.
 * - `--expose-gc`: the host collects garbage when it goes idle
 *   (main/host/idle-garbage-collection.ts: 92-95 -> 87 MB), no change in
 *   campaign time.
 */
export const HOST_V8_FLAGS = ['--expose-gc'];

/**
 * glibc malloc settings of the host. Without them an idle host kept 30-40 MB of
 * freed memory in its main heap (V8 compiler zones, network buffers), so its
 * idle RSS ranged 115-132 MB from run to run; with them 94-96 MB (both before
 * idle garbage collection was added):
 * - requests of 32 KB and more (V8 zone segments, 64 KB socket read buffers)
 *   are mapped on their own and unmapped when freed, instead of pinning heap;
 * - the top of the heap is returned above 128 KB free (a fixed threshold: the
 *   default one grows to 64 MB after large frees);
 * - two arenas for the event loop and Node's worker threads instead of eight
 *   per core, each keeping its own free memory.
 * Cost: a mapping per large buffer; campaigns took ~4% longer (256 x 100,
 * medians 0.73 vs 0.70 s over two A/B pairs of `npm run bench`), for 8-22 MB
 * less idle RSS (95-109 -> 86-87 MB). Drop this object to trade back.
 */
export const HOST_MALLOC_ENVIRONMENT: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: '32768',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_ARENA_MAX: '2',
};

/** The host's malloc settings, where the analyst has not set one of them already. */
export function hostEnvironment(
  inherited: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(HOST_MALLOC_ENVIRONMENT)) {
    environment[name] = inherited[name] ?? value;
  }
  return environment;
}
