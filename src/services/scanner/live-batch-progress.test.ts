import { describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../shared/campaign.js';
import { ENDED_ENTRY_MS, LiveBatchProgress, STALE_ENTRY_MS } from './live-batch-progress.js';

function batches(...states: BatchSummary['state'][]): Pick<BatchSummary, 'index' | 'state'>[] {
  return states.map((state, index) => ({ index, state }));
}

describe('live batch progress', () => {
  it('knows nothing about a campaign no batch reported for (a cluster worker scans it)', () => {
    const registry = new LiveBatchProgress();
    expect(registry.liveProgress('c-1', batches('running'))).toBeUndefined();
    registry.report('c-2', 0, 5, 10);
    expect(registry.liveProgress('c-1', batches('running'))).toBeUndefined();
  });

  it('adds the hosts done in running batches only, so an ended batch is not counted twice', () => {
    const registry = new LiveBatchProgress();
    registry.report('c-1', 0, 10, 10);
    registry.report('c-1', 1, 3, 10);
    registry.report('c-1', 2, 7, 10);
    // Batch 0 is in the durable totals already; 1 and 2 still run.
    expect(registry.liveProgress('c-1', batches('done', 'running', 'running'))).toEqual({
      hostsScanned: 10,
    });
    // Batch 2's entry exists but the durable state says it ended: only batch 1 counts.
    expect(registry.liveProgress('c-1', batches('done', 'running', 'failed'))).toEqual({
      hostsScanned: 3,
    });
    // Running batches that never reported here (another process scans them) add nothing.
    expect(
      registry.liveProgress('c-1', batches('done', 'done', 'done', 'running')),
    ).toBeUndefined();
  });

  it('takes the latest absolute count (a retried probe step starts again) and caps it at the batch', () => {
    const registry = new LiveBatchProgress();
    registry.report('c-1', 0, 8, 10);
    registry.report('c-1', 0, 2, 10);
    expect(registry.liveProgress('c-1', batches('running'))?.hostsScanned).toBe(2);
    registry.report('c-1', 0, 12, 10);
    expect(registry.liveProgress('c-1', batches('running'))?.hostsScanned).toBe(10);
  });

  it('forgets ended batches a minute after they end and silent ones after an hour', () => {
    let now = 0;
    const registry = new LiveBatchProgress(() => now);
    registry.report('c-1', 0, 10, 10);
    registry.report('c-1', 1, 4, 10);
    registry.end('c-1', 0);
    now = ENDED_ENTRY_MS + 1;
    registry.prune();
    expect(registry.size()).toBe(1);
    expect(registry.liveProgress('c-1', batches('running', 'running'))?.hostsScanned).toBe(4);
    now = STALE_ENTRY_MS + 2;
    registry.report('c-2', 0, 1, 10);
    // The new campaign's first report pruned the old silent entry.
    expect(registry.size()).toBe(1);
    expect(registry.liveProgress('c-1', batches('running', 'running'))).toBeUndefined();
  });
});
