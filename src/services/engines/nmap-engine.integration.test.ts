import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
