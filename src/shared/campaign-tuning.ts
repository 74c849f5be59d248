import { z } from 'zod';

/**
 * How a campaign is cut into batches and how many run at once. With no
 * `batchSize`/`batchesInFlight` in the request, {@link chooseTuning} picks
 * them from the campaign's size, the engine and the cores: a small campaign
 * runs as few large batches; a large one as batches of about
 * {@link TARGET_BATCH_SECONDS} each, so progress moves and a resume re-probes
 * at most one batch per in-flight slot.
 */

/** Batches a campaign may have: progress and results keep one small entry per batch. */
export const MAX_BATCHES_PER_CAMPAIGN = 2000;
/** Larger batches would make one journal entry (a batch's results) too big to be worth it. */
export const MAX_BATCH_SIZE = 4096;
export const MAX_BATCHES_IN_FLIGHT = 32;
/** A batch should take about this long on loopback. */
export const TARGET_BATCH_SECONDS = 2;
/**
 * Probes per second each engine reaches on loopback here, rounded down
 * (`npm run bench`, 2026-11-30: nmap -sT -T4 82k/s on 256 x 100 and 110k/s on
 * 4,096 x 100; the built-in engine 52k/s and 59k/s). Underestimating them
 * cuts campaigns into many small batches whose fixed cost (a sub-invocation,
 * its journal steps, storing results) then dominates: at 4k/s a 4,096 x 100
 * built-in campaign took 50 s for a 7 s scan.
 */
export const ENGINE_PROBES_PER_SECOND = { builtin: 40_000, nmap: 80_000 } as const;
/**
 * At most this many probes per batch whatever the engine: 1,024 hosts x 100
 * ports. With the result bounds (src/services/scanner/batch-bounds.ts) a batch
 * whose every probe finds an open port still keeps all of them (banners left
 * out, about 165 bytes per open port on a long IPv6 address: 16.1 MiB, under
 * the 18 MiB result cap; with findings, the stored batch stays under 20 MiB,
 * below Restate's 32 MiB message limit). Each batch costs a fixed set of
 * invocations (window, results, inventory, one ThreatIntel call per CVE seen).
 * 4,096 x 100 nmap campaigns on 2 cores, alternating A/B runs: 4 batches of
 * 1,024 took 5.4-5.8 s end to end against 5.8-6.3 s for 7 batches of 586 (the
 * cap before, 65,536), restate-server's CPU 1.0-1.2 s against 1.4-1.6 s; 13
 * batches (32,768) were slower still.
 */
export const MAX_PROBES_PER_BATCH = 102_400;

export const CampaignTuning = z.object({
  batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE),
  batchesInFlight: z.number().int().min(1).max(MAX_BATCHES_IN_FLIGHT),
  batchCount: z.number().int().min(1),
  /** False when the request set both values itself. */
  adaptive: z.boolean(),
});
export type CampaignTuning = z.infer<typeof CampaignTuning>;

export interface TuningInput {
  hostCount: number;
  portCount: number;
  /** The engine that will run (`auto` counts as the slower built-in engine). */
  engine: 'auto' | 'builtin' | 'nmap';
  cores: number;
  batchSize?: number;
  batchesInFlight?: number;
}

/** Pure: the same inputs give the same tuning (the dry run shows what the campaign will use). */
export function chooseTuning(input: TuningInput): CampaignTuning {
  const { hostCount, portCount } = input;
  const cores = Math.max(1, Math.floor(input.cores));
  const rate = ENGINE_PROBES_PER_SECOND[input.engine === 'nmap' ? 'nmap' : 'builtin'];
  const probesPerBatch = Math.min(MAX_PROBES_PER_BATCH, rate * TARGET_BATCH_SECONDS);
  let batchSize = input.batchSize;
  if (batchSize === undefined) {
    const wanted = Math.max(1, Math.ceil((hostCount * portCount) / probesPerBatch));
    batchSize = Math.ceil(hostCount / wanted);
    // Fewer batches than the cap allows, and no batch above the largest size.
    batchSize = Math.max(batchSize, Math.ceil(hostCount / MAX_BATCHES_PER_CAMPAIGN));
    batchSize = Math.min(Math.max(1, batchSize), MAX_BATCH_SIZE);
  }
  const batchCount = Math.max(1, Math.ceil(hostCount / batchSize));
  // nmap batches are processes (one core each); built-in batches share the host's event
  // loop, where two overlap one's socket waits with the other's work.
  const slots = input.engine === 'nmap' ? cores : Math.max(2, cores);
  const batchesInFlight =
    input.batchesInFlight ?? Math.min(batchCount, slots, MAX_BATCHES_IN_FLIGHT);
  return {
    batchSize,
    batchesInFlight,
    batchCount,
    adaptive: input.batchSize === undefined || input.batchesInFlight === undefined,
  };
}

export function formatTuning(tuning: CampaignTuning): string {
  return `${tuning.batchCount} batch${tuning.batchCount === 1 ? '' : 'es'} of up to ${tuning.batchSize}, ${tuning.batchesInFlight} in flight${tuning.adaptive ? ' (adaptive)' : ''}`;
}
