import { describe, expect, it } from 'vitest';
import {
  MAX_BATCHES_PER_CAMPAIGN,
  MAX_BATCH_SIZE,
  MAX_PROBES_PER_BATCH,
  chooseTuning,
} from './campaign-tuning';

describe('chooseTuning', () => {
  it('runs a small campaign as one batch', () => {
    expect(chooseTuning({ hostCount: 30, portCount: 6, engine: 'builtin', cores: 2 })).toEqual({
      batchSize: 30,
      batchCount: 1,
      batchesInFlight: 1,
      adaptive: true,
    });
  });

  it('cuts a large campaign into batches of about two seconds, one in flight per core for nmap', () => {
    const nmap = chooseTuning({ hostCount: 4096, portCount: 100, engine: 'nmap', cores: 4 });
    expect(nmap.batchSize * 100).toBeLessThanOrEqual(MAX_PROBES_PER_BATCH);
    expect(nmap.batchCount).toBe(4);
    expect(nmap.batchesInFlight).toBe(4);
    const builtin = chooseTuning({ hostCount: 4096, portCount: 100, engine: 'builtin', cores: 1 });
    expect(builtin.batchSize * 100).toBeLessThanOrEqual(MAX_PROBES_PER_BATCH);
    expect(builtin.batchesInFlight).toBe(2);
    // A small campaign is one batch: its fixed cost is paid once.
    expect(
      chooseTuning({ hostCount: 256, portCount: 100, engine: 'nmap', cores: 2 }),
    ).toMatchObject({ batchCount: 1, batchSize: 256 });
  });

  it('keeps within the batch count, batch size and probes-per-batch caps', () => {
    const huge = chooseTuning({ hostCount: 65_536 * 16, portCount: 1, engine: 'nmap', cores: 2 });
    expect(huge.batchCount).toBeLessThanOrEqual(MAX_BATCHES_PER_CAMPAIGN);
    expect(huge.batchSize).toBeLessThanOrEqual(MAX_BATCH_SIZE);
    const wide = chooseTuning({ hostCount: 24, portCount: 1000, engine: 'nmap', cores: 2 });
    expect(wide.batchSize * 1000).toBeLessThanOrEqual(MAX_PROBES_PER_BATCH);
  });

  it('keeps what the request set, and says so', () => {
    expect(
      chooseTuning({
        hostCount: 2040,
        portCount: 5,
        engine: 'builtin',
        cores: 2,
        batchSize: 50,
        batchesInFlight: 4,
      }),
    ).toEqual({ batchSize: 50, batchCount: 41, batchesInFlight: 4, adaptive: false });
  });
});
