import { describe, expect, it } from 'vitest';
import type { Observation } from '../../shared/observation.js';
import { generateLab, startLoopbackLab } from '../../../test/lab/loopback-lab.js';
import { findNmap } from '../engines/nmap-engine.js';
import { runEngine } from './batch-scan.js';

const nmapPath = await findNmap();

const identities = (observations: readonly Observation[]): string[] =>
  observations.map(
    ({ host, port, service, product, version, cpe }) =>
      `${host}:${port} ${service} ${product} ${version} ${cpe}`,
  );

describe.skipIf(nmapPath === undefined)('runEngine with nmap and banner identification', () => {
  it('identifies every open port as the built-in engine does, host group by host group', async () => {
    // Three open ports per host, the third rotating: hosts differ in their open ports.
    const definition = generateLab({ base: '127.26.0.0', hostCount: 200, openPortsPerHost: 3 });
    const lab = await startLoopbackLab(definition);
    try {
      const ports = [...new Set(definition.services.map((service) => service.port))].sort(
        (left, right) => left - right,
      );
      const request = { addresses: lab.hosts, ports, hostnames: { [lab.hosts[1]!]: 'b.lab.test' } };
      const nmap = await runEngine({ ...request, engine: 'nmap' });
      const builtin = await runEngine({ ...request, engine: 'builtin' });
      expect(nmap.engine).toBe('nmap');
      expect(nmap.observations).toHaveLength(definition.services.length);
      expect(identities(nmap.observations)).toEqual(identities(builtin.observations));
      expect(nmap.hosts).toEqual(builtin.hosts);
      // What the lab says each service is.
      const expected = definition.services
        .map(
          ({ host, port, expected: { product, version } }) =>
            `${host}:${port} ${product} ${version}`,
        )
        .sort();
      expect(
        nmap.observations
          .map(({ host, port, product, version }) => `${host}:${port} ${product} ${version}`)
          .sort(),
      ).toEqual(expected);
      expect(nmap.observations.every((observation) => observation.banner)).toBe(true);
      expect(
        nmap.observations.find((observation) => observation.host === lab.hosts[1]),
      ).toMatchObject({
        hostname: 'b.lab.test',
        engine: 'nmap',
      });
    } finally {
      await lab.close();
    }
  });

  it('stops nmap and identification when aborted', async () => {
    const definition = generateLab({ base: '127.26.4.0', hostCount: 192, openPortsPerHost: 2 });
    const lab = await startLoopbackLab(definition);
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('campaign cancelled')), 400);
      const started = performance.now();
      await expect(
        runEngine({
          engine: 'nmap',
          addresses: lab.hosts,
          ports: Array.from({ length: 1000 }, (_, index) => index + 1),
          hostnames: {},
          signal: controller.signal,
        }),
      ).rejects.toThrow('campaign cancelled');
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      await lab.close();
    }
  });
});
