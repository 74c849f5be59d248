import { describe, expect, it } from 'vitest';
import type { ScanProgress } from './scan-engine.js';
import { isNmapAvailable, scanWithNmapEngine } from './nmap-engine.js';

/**
 * Real nmap prints a host group's hosts only when the group ends; its
 * `--stats-every` percentages move the hosts-done count in between. nmap's
 * polite timing (-T2: 0.4 s between probes of a host) makes 10 closed
 * loopback ports per host take about 4 s, deterministically.
 */
const HOSTS = Array.from({ length: 10 }, (_, index) => `127.95.7.${index + 1}`);

describe.runIf(await isNmapAvailable())('nmap per-host progress', () => {
  it('reports hosts done between 0 and all while one host group runs', async () => {
    const updates: ScanProgress[] = [];
    const result = await scanWithNmapEngine({
      hosts: HOSTS,
      ports: [81, 82, 83, 84, 85, 86, 87, 88, 89, 90],
      timing: 2,
      onProgress: (progress) => updates.push({ ...progress }),
    });
    expect(result.hosts).toHaveLength(HOSTS.length);
    const between = updates.filter(
      (update) => update.hostsDone > 0 && update.hostsDone < HOSTS.length,
    );
    expect(between.length).toBeGreaterThan(0);
    const counts = updates.map((update) => update.hostsDone);
    expect(counts).toEqual([...counts].sort((left, right) => left - right));
    expect(updates.at(-1)).toMatchObject({ hostsDone: HOSTS.length, completed: HOSTS.length * 10 });
  }, 60_000);
});
