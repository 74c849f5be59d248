import { describe, expect, it } from 'vitest';
import { nmapHostGroupSize, NmapProgressReader } from './nmap-progress.js';

describe('nmap progress reader', () => {
  it('spreads the current group over its hosts, then counts the printed hosts', () => {
    // 20 hosts x 100 ports: one group of 20 (nmap's group is at least 64).
    const reader = new NmapProgressReader(20, 100, 4);
    expect(reader.taskProgressed('Connect Scan', 19.25)).toBe(true);
    expect(reader.hostsDone()).toBe(3);
    reader.taskProgressed('Connect Scan', 59.25);
    expect(reader.hostsDone()).toBe(11);
    // 100 % of the group is still not the group's hosts printed.
    reader.taskProgressed('Connect Scan', 100);
    expect(reader.hostsDone()).toBe(19);
    for (let host = 0; host < 20; host += 1) reader.hostReported();
    expect(reader.hostsDone()).toBe(20);
  });

  it('never goes backwards and ignores service detection', () => {
    const reader = new NmapProgressReader(200, 100, 4);
    // The first group holds 64 hosts: half of them.
    reader.taskProgressed('Connect Scan', 50);
    expect(reader.hostsDone()).toBe(32);
    // The first printed host starts a new group estimate; the count stays.
    expect(reader.hostReported()).toBe(false);
    expect(reader.hostsDone()).toBe(32);
    // Service detection's own percentage does not move the probing estimate.
    expect(reader.taskProgressed('Service scan', 90)).toBe(false);
    expect(reader.hostsDone()).toBe(32);
  });

  it('follows nmap host group sizes', () => {
    expect(nmapHostGroupSize(100, 4, true)).toBe(64);
    expect(nmapHostGroupSize(6, 4, false)).toBe(170);
    expect(nmapHostGroupSize(2000, 4, true)).toBe(8);
    expect(nmapHostGroupSize(2000, 4, false)).toBe(64);
  });
});
