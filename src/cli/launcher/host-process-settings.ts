/**
 * How the long-lived host `spectra serve` starts is run: a desktop daemon that
 * is idle most of the time, so memory held between campaigns counts more than
 * the last percent of speed inside one. Each setting was measured with
 * /proc/PID/smaps_rollup 5 s after a 16-host x 100-port campaign (idle RSS of
 * the host; `npm run bench` prints the same figure).
 */

/**
 * - `--max-semi-space-size=1`: the young generation stays at 1 MB semi-spaces
 *   instead of growing to 16 MB (2 took 150-155 -> 120-132 MB; 1 a few MB more).
 * - `--optimize-for-size`: V8 favours a small heap and code over speed where it
 *   has the choice (~3 MB idle; no change in campaign time in `npm run bench`).
 * - `--expose-gc`: the host collects garbage when it goes idle
 *   (main/host/idle-garbage-collection.ts: 92-95 -> 87 MB).
 */
export const HOST_V8_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size', '--expose-gc'];

/**
 * glibc malloc settings of the host. Without them an idle host kept 30-40 MB of
 * freed memory in its main heap (V8 compiler zones, network buffers), so its
 * idle RSS ranged 115-132 MB from run to run; with them 94-96 MB:
 * - requests of 32 KB and more (V8 zone segments, 64 KB socket read buffers)
 *   are mapped on their own and unmapped when freed, instead of pinning heap;
 * - the top of the heap is returned above 128 KB free (a fixed threshold: the
 *   default one grows to 64 MB after large frees);
 * - two arenas for the event loop and Node's worker threads instead of eight
 *   per core, each keeping its own free memory.
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
