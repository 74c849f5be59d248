import { describe, expect, it } from 'vitest';
import { emptyTotals } from './campaign-totals.js';
import { hostProgressOf } from './campaign-host-progress.js';

function totals(targets: number, targetsDone: number) {
  return { ...emptyTotals(targets), targetsDone };
}

describe('host progress', () => {
  it('moves with the hosts of a running batch before the batch ends', () => {
    expect(hostProgressOf({ totals: totals(256, 0) })).toEqual({
      done: 0,
      total: 256,
      percent: 0,
      live: false,
    });
    expect(hostProgressOf({ totals: totals(256, 0), live: { hostsScanned: 64 } })).toEqual({
      done: 64,
      total: 256,
      percent: 25,
      live: true,
    });
  });

  it('adds the live hosts to the ended batches', () => {
    expect(hostProgressOf({ totals: totals(100, 40), live: { hostsScanned: 10 } })).toMatchObject({
      done: 50,
      percent: 50,
    });
  });

  it('says 100 % only once every batch has ended', () => {
    const probedAll = hostProgressOf({ totals: totals(256, 0), live: { hostsScanned: 256 } });
    expect(probedAll).toMatchObject({ done: 256, percent: 99 });
    expect(hostProgressOf({ totals: totals(256, 256) })).toMatchObject({ done: 256, percent: 100 });
    // A live count above what is left never passes the total.
    expect(hostProgressOf({ totals: totals(10, 8), live: { hostsScanned: 5 } })).toMatchObject({
      done: 10,
      percent: 99,
    });
  });

  it('is 0 % for an empty campaign', () => {
    expect(hostProgressOf({ totals: totals(0, 0) })).toMatchObject({ done: 0, percent: 0 });
  });
});
