import type { EngineResult } from '../../shared/observation.js';
import type { Finding } from '../../shared/vulnerability.js';

/**
 * Bounds that keep every batch's messages and journal entries far below
 * Restate's message limit (about 32 MiB; above it an entry fails with RT0003
 * and the invocation is retried without end). The probe step's result, the
 * stored batch result and the findings are each cut to these sizes before
 * they are journaled, so no input, however chatty, can grow them past it.
 */

/** Characters of a banner kept per port (the schema allows 1,024; identification needs far less). */
export const MAX_BANNER_CHARS = 256;
/**
 * Serialized size above which a batch's observations are cut down: the
 * largest batch the tuning allows (MAX_PROBES_PER_BATCH) keeps every open
 * port, banners left out (batch-bounds.test.ts).
 */
export const MAX_BATCH_RESULT_BYTES = 18 * 2 ** 20;
/** Findings kept per batch; a campaign with more reports the cut in the batch's `error`. */
export const MAX_FINDINGS_PER_BATCH = 20_000;

export interface Bounded<T> {
  value: T;
  /** Why something was left out, for the batch's report; undefined when nothing was. */
  cut?: string;
}

/** Cuts banners to {@link MAX_BANNER_CHARS}, then drops banners, then observations, until the result fits. */
export function boundEngineResult(
  result: EngineResult,
  maxBytes = MAX_BATCH_RESULT_BYTES,
): Bounded<EngineResult> {
  const observations = result.observations.map((observation) =>
    observation.banner !== undefined && observation.banner.length > MAX_BANNER_CHARS
      ? { ...observation, banner: observation.banner.slice(0, MAX_BANNER_CHARS) }
      : observation,
  );
  let bounded: EngineResult = { ...result, observations };
  if (sizeOf(bounded) <= maxBytes) return { value: bounded };
  bounded = {
    ...bounded,
    observations: observations.map(({ banner: _dropped, ...observation }) => observation),
  };
  if (sizeOf(bounded) <= maxBytes)
    return { value: bounded, cut: 'banners left out: the batch result exceeded its size cap' };
  const perObservation = sizeOf(bounded) / Math.max(1, bounded.observations.length);
  const kept = Math.max(0, Math.floor((maxBytes * 0.9) / perObservation));
  const dropped = bounded.observations.length - kept;
  return {
    value: { ...bounded, observations: bounded.observations.slice(0, kept) },
    cut: `${dropped} open ports left out: the batch result exceeded its size cap`,
  };
}

export function boundFindings(findings: Finding[]): Bounded<Finding[]> {
  if (findings.length <= MAX_FINDINGS_PER_BATCH) return { value: findings };
  return {
    value: findings.slice(0, MAX_FINDINGS_PER_BATCH),
    cut: `${findings.length - MAX_FINDINGS_PER_BATCH} findings left out (at most ${MAX_FINDINGS_PER_BATCH} per batch)`,
  };
}

function sizeOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}
