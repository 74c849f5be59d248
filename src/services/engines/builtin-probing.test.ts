import { describe, expect, it } from 'vitest';
import { ProbeTally } from './builtin-probing.js';

describe('ProbeTally', () => {
  it('hands out every probe once, host by host, then only indexes past the end', () => {
    const tally = ProbeTally.create(3, 2, false);
    const claimed = Array.from({ length: 8 }, () => tally.claim());
    expect(claimed).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('counts per host and in total, and tells when a host has finished', () => {
    const tally = ProbeTally.create(2, 3, false);
    expect(tally.count(0, 'open')).toBe(false);
    expect(tally.count(1, 'closed')).toBe(false);
    expect(tally.count(0, 'filtered')).toBe(false);
    expect(tally.count(0, 'closed')).toBe(true);
    expect(tally.progress(6)).toEqual({ completed: 4, total: 6, open: 1, hostsDone: 1 });
    expect(tally.hostCounts(0)).toEqual({ open: 1, closed: 1, filtered: 1 });
    expect(tally.hostCounts(1)).toEqual({ open: 0, closed: 1, filtered: 0 });
  });

  it('is one tally for every view of a shared buffer (one view per thread)', () => {
    const here = ProbeTally.create(2, 2, true);
    expect(here.buffer).toBeInstanceOf(SharedArrayBuffer);
    const there = new ProbeTally(here.buffer, 2);
    expect([here.claim(), there.claim(), here.claim(), there.claim()]).toEqual([0, 1, 2, 3]);
    here.count(0, 'open');
    expect(there.count(0, 'closed')).toBe(true);
    there.count(1, 'open');
    expect(here.count(1, 'open')).toBe(true);
    expect(here.progress(4)).toEqual({ completed: 4, total: 4, open: 3, hostsDone: 2 });
    expect(there.hostCounts(1)).toEqual({ open: 2, closed: 0, filtered: 0 });
  });
});
