import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { EngineResult, type Observation } from '../../shared/observation.js';
import {
  generateLab,
  startLoopbackLab,
  STANDARD_LAB,
  type LoopbackLab,
} from '../../../test/lab/loopback-lab.js';
import { scanWithBuiltinEngine } from './builtin-engine.js';
import { findNmap, scanWithNmapEngine } from './nmap-engine.js';

const nmapPath = await findNmap();
const STANDARD_PORTS = [21, 22, 23, 25, 80, 443, 3306, 6379];

const identities = (observations: readonly Observation[]): string[] =>
  observations.map(
    ({ host, port, service, product, version }) =>
      `${host}:${port} ${service} ${product} ${version}`,
  );
const openPorts = (observations: readonly Observation[]): string[] =>
  observations.map(({ host, port }) => `${host}:${port}`).sort();

describe.skipIf(nmapPath === undefined)('nmap engine on the standard lab', () => {
  let lab: LoopbackLab;
  beforeAll(async () => {
    lab = await startLoopbackLab(STANDARD_LAB, { waitForAddressMs: 30_000 });
  });
  afterAll(async () => {
    await lab.close();
  });

  it('identifies every lab service with -sV as the lab expects', async () => {
    const result = await scanWithNmapEngine({
      hosts: lab.hosts,
      ports: STANDARD_PORTS,
      serviceDetection: true,
      hostnames: new Map([['127.10.0.10', 'web.lab.test']]),
    });
    expect(() => EngineResult.parse(result)).not.toThrow();
    expect(result.engine).toBe('nmap');
    expect(identities(result.observations)).toEqual(
      STANDARD_LAB.services.map(
        ({ host, port, expected }) =>
          `${host}:${port} ${expected.service} ${expected.product} ${expected.version}`,
      ),
    );
    expect(result.observations[0]).toMatchObject({ hostname: 'web.lab.test', engine: 'nmap' });
    expect(result.observations[0]!.banner).toContain('Ubuntu 4ubuntu2.8');
  });

  it('reports the same open ports and counts as the built-in engine', async () => {
    const [nmap, builtin] = [
      await scanWithNmapEngine({ hosts: [...lab.hosts, '127.10.0.99'], ports: STANDARD_PORTS }),
      await scanWithBuiltinEngine({ hosts: [...lab.hosts, '127.10.0.99'], ports: STANDARD_PORTS }),
    ];
    expect(openPorts(nmap.observations)).toEqual(openPorts(builtin.observations));
    expect(nmap.hosts).toEqual(builtin.hosts);
  });

  it('kills nmap when aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('analyst stopped the scan')), 300);
    const started = performance.now();
    await expect(
      scanWithNmapEngine({
        hosts: lab.hosts,
        ports: STANDARD_PORTS,
        serviceDetection: true,
        signal: controller.signal,
      }),
    ).rejects.toThrow('analyst stopped the scan');
    expect(performance.now() - started).toBeLessThan(4000);
  });
});

describe.skipIf(nmapPath === undefined)('nmap engine on a generated lab', () => {
  it('agrees with the built-in engine on 256 hosts x 100 ports', async () => {
    const definition = generateLab({ base: '127.24.0.0', hostCount: 256, openPortsPerHost: 3 });
    const lab = await startLoopbackLab(definition);
    try {
      const ports = Array.from({ length: 100 }, (_, index) => index + 1);
      let started = performance.now();
      const nmap = await scanWithNmapEngine({ hosts: lab.hosts, ports });
      const nmapSeconds = (performance.now() - started) / 1000;
      started = performance.now();
      const builtin = await scanWithBuiltinEngine({ hosts: lab.hosts, ports, grabBanners: false });
      const builtinSeconds = (performance.now() - started) / 1000;
      console.log(
        `256 x 100: nmap engine ${nmapSeconds.toFixed(2)} s, built-in engine ${builtinSeconds.toFixed(2)} s`,
      );
      expect(openPorts(nmap.observations)).toEqual(openPorts(builtin.observations));
      expect(nmap.observations).toHaveLength(
        definition.services.filter((service) => service.port <= 100).length,
      );
      expect(nmap.hosts).toEqual(builtin.hosts);
    } finally {
      await lab.close();
    }
  });
});

/** nmap processes this test process started and has not reaped (Linux /proc). */
function nmapChildren(): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (name === 'nmap' && parent === process.pid) children.push(Number(entry));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return children;
}

describe.skipIf(nmapPath === undefined)('nmap engine pipeline', () => {
  // 192 hosts x 100 ports: nmap scans (and prints) them in 3 host groups of 64.
  const definition = generateLab({ base: '127.25.0.0', hostCount: 192, openPortsPerHost: 2 });
  const ports = Array.from({ length: 100 }, (_, index) => index + 1);
  let lab: LoopbackLab;
  beforeAll(async () => {
    lab = await startLoopbackLab(definition);
  });
  afterAll(async () => {
    await lab.close();
  });

  it('hands each host group to refineOpenPorts while nmap still scans the next', async () => {
    const calls: Array<{ hosts: number; nmapRunning: boolean }> = [];
    const refined = await scanWithNmapEngine({
      hosts: lab.hosts,
      ports,
      hostnames: new Map([[lab.hosts[0]!, 'first.lab.test']]),
      refineOpenPorts: async (observations) => {
        calls.push({
          hosts: new Set(observations.map((observation) => observation.host)).size,
          nmapRunning: nmapChildren().length > 0,
        });
        return observations.map((observation) => ({ ...observation, banner: 'refined' }));
      },
    });
    const plain = await scanWithNmapEngine({
      hosts: lab.hosts,
      ports,
      hostnames: new Map([[lab.hosts[0]!, 'first.lab.test']]),
    });
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.reduce((sum, call) => sum + call.hosts, 0)).toBe(lab.hosts.length);
    expect(calls[0]!.nmapRunning).toBe(true);
    // The same result, in the same order, with every open port refined (times differ per run).
    const timeless = (observations: readonly Observation[]) =>
      observations.map((observation) => ({ ...observation, observedAt: '' }));
    expect(refined.hosts).toEqual(plain.hosts);
    expect(timeless(refined.observations)).toEqual(
      timeless(plain.observations.map((observation) => ({ ...observation, banner: 'refined' }))),
    );
    expect(refined.observations[0]).toMatchObject({ hostname: 'first.lab.test' });
    expect(refined.observations).toHaveLength(definition.services.length);
  });

  it('kills nmap and stops pending refinement when cancelled', async () => {
    const controller = new AbortController();
    let refineSignal: AbortSignal | undefined;
    let nmapRunningAtFirstCall = false;
    const started = performance.now();
    await expect(
      scanWithNmapEngine({
        hosts: lab.hosts,
        ports,
        signal: controller.signal,
        refineOpenPorts: (_observations, signal) => {
          if (!refineSignal) {
            refineSignal = signal;
            nmapRunningAtFirstCall = nmapChildren().length > 0;
            controller.abort(new Error('analyst stopped the scan'));
          }
          // Like a banner grab that would wait: only the signal ends it.
          return new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
          );
        },
      }),
    ).rejects.toThrow('analyst stopped the scan');
    expect(nmapRunningAtFirstCall).toBe(true);
    expect(refineSignal?.aborted).toBe(true);
    expect(nmapChildren()).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('fails the scan, and kills nmap, when refinement fails', async () => {
    await expect(
      scanWithNmapEngine({
        hosts: lab.hosts,
        ports,
        refineOpenPorts: () => Promise.reject(new Error('identification broke')),
      }),
    ).rejects.toThrow('identification broke');
    expect(nmapChildren()).toEqual([]);
  });
});
