import type { BatchSummary, LiveCampaignProgress } from '../../shared/campaign.js';

/**
 * Hosts finished inside running batches, per campaign and batch: live,
 * best-effort and in this process's memory only.
 *
 * Why not in Restate: a batch's probing is one journaled `ctx.run` step (no
 * context call may happen inside it), the workflow's state can only be written
 * by its `run` handler (which waits on the batch meanwhile), and the durable
 * totals move per batch on purpose. The Restate-native ways to move them per
 * host cost the scan itself: a `ctx.run` per host (or per handful of hosts)
 * grows the journal with the target list and drains the engine's connection
 * pipeline at every step; an ingress call to an object from inside the step is
 * an invocation journaled per update. A live count needs neither durability nor ordering, so the engine
 * reports to this registry and the workflow's `progress` shared handler (served
 * by the same process in local mode) adds it to what it returns, kept apart
 * from the durable totals (`live`). The workflow's `run` handler never reads it.
 *
 * In cluster mode the Scanner runs on worker processes, so the coordinator's
 * registry has no entry for their batches and the progress stays per batch.
 */
export interface LiveBatchEntry {
  hostsScanned: number;
  hosts: number;
  /** `performance.now()` of the last report, for pruning. */
  reportedAt: number;
  /** Set when the Scanner returned the batch: pruned a little later (the workflow records it first). */
  endedAt?: number;
}

/** An ended batch's entry outlives its end this long, while the workflow records the batch. */
export const ENDED_ENTRY_MS = 60_000;
/** An entry nobody reported to for this long belongs to a batch this process no longer runs. */
export const STALE_ENTRY_MS = 60 * 60_000;

export class LiveBatchProgress {
  private readonly campaigns = new Map<string, Map<number, LiveBatchEntry>>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A batch's engine finished `hostsScanned` of its `hosts` (absolute, so a retried step starts again). */
  report(campaignId: string, batchIndex: number, hostsScanned: number, hosts: number): void {
    let batches = this.campaigns.get(campaignId);
    if (!batches) {
      this.prune();
      batches = new Map();
      this.campaigns.set(campaignId, batches);
    }
    const entry = batches.get(batchIndex);
    const reportedAt = this.now();
    if (entry) {
      entry.hostsScanned = hostsScanned;
      entry.hosts = hosts;
      entry.reportedAt = reportedAt;
      entry.endedAt = undefined;
    } else batches.set(batchIndex, { hostsScanned, hosts, reportedAt });
  }

  /** The Scanner returned the batch; the workflow's durable totals take over from here. */
  end(campaignId: string, batchIndex: number): void {
    this.prune();
    const entry = this.campaigns.get(campaignId)?.get(batchIndex);
    if (entry) entry.endedAt = this.now();
  }

  /**
   * Hosts finished in the batches `batches` lists as running, or undefined when
   * none of them reported here. Batches that ended durably are already in the
   * totals, so only running ones count: nothing is counted twice.
   */
  liveProgress(
    campaignId: string,
    batches: readonly Pick<BatchSummary, 'index' | 'state'>[],
  ): LiveCampaignProgress | undefined {
    const reported = this.campaigns.get(campaignId);
    if (!reported) return undefined;
    let hostsScanned = 0;
    let known = false;
    for (const batch of batches) {
      if (batch.state !== 'running') continue;
      const entry = reported.get(batch.index);
      if (!entry) continue;
      known = true;
      hostsScanned += Math.min(entry.hostsScanned, entry.hosts);
    }
    return known ? { hostsScanned } : undefined;
  }

  /** Entries kept, for tests and diagnostics. */
  size(): number {
    let count = 0;
    for (const batches of this.campaigns.values()) count += batches.size;
    return count;
  }

  /** Drops ended and stale entries; runs when a campaign reports for the first time and when a batch ends. */
  prune(): void {
    const now = this.now();
    for (const [campaignId, batches] of this.campaigns) {
      for (const [index, entry] of batches) {
        const ended = entry.endedAt !== undefined && now - entry.endedAt > ENDED_ENTRY_MS;
        if (ended || now - entry.reportedAt > STALE_ENTRY_MS) batches.delete(index);
      }
      if (batches.size === 0) this.campaigns.delete(campaignId);
    }
  }
}

/** The process's registry: the Scanner writes it, the workflow's `progress` handler reads it. */
export const liveBatchProgress = new LiveBatchProgress();
