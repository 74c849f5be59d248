import { describe, expect, it } from 'vitest';
import { scanWithBuiltinEngine } from './builtin-engine.js';
import type { ScanProgress } from './scan-engine.js';

/**
 * The built-in engine reports hosts as they finish, not only every 64 probes:
 * 20 loopback hosts x 2 closed ports (the kernel refuses them at once) at 20
 * probes a second is 40 probes over about 2 s, fewer than one 64-probe step.
 */
const HOSTS = Array.from({ length: 20 }, (_, index) => `127.96.7.${index + 1}`);
const PORTS = [81, 82];

describe('built-in engine per-host progress', () => {
  it('counts hosts whose every probe finished, as they finish', async () => {
    const updates: ScanProgress[] = [];
    const result = await scanWithBuiltinEngine({
      hosts: HOSTS,
      ports: PORTS,
      ratePerSecond: 20,
      grabBanners: false,
      onProgress: (progress) => updates.push({ ...progress }),
    });
    expect(result.hosts.every((host) => host.closed === PORTS.length)).toBe(true);
    const counts = updates.map((update) => update.hostsDone);
    expect(counts).toEqual([...counts].sort((left, right) => left - right));
    // Several values between none and all, each consistent with the probes finished.
    expect(
      new Set(counts.filter((count) => count > 0 && count < HOSTS.length)).size,
    ).toBeGreaterThan(2);
    for (const update of updates)
      expect(update.hostsDone * PORTS.length).toBeLessThanOrEqual(update.completed);
    expect(updates.at(-1)).toEqual({ completed: 40, total: 40, open: 0, hostsDone: HOSTS.length });
  });
});
