import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineResult } from '../../shared/observation.js';
import {
  generateLab,
  startLoopbackLab,
  STANDARD_LAB,
  type LoopbackLab,
} from '../../../test/lab/loopback-lab.js';
import { scanWithBuiltinEngine } from './builtin-engine.js';
import type { ScanProgress } from './scan-engine.js';

const STANDARD_PORTS = [21, 22, 23, 25, 80, 443, 3306, 6379];

describe('built-in engine on the standard lab', () => {
  let lab: LoopbackLab;
  beforeAll(async () => {
    lab = await startLoopbackLab(STANDARD_LAB, { waitForAddressMs: 30_000 });
  });
  afterAll(async () => {
    await lab.close();
  });

  it('finds every service with its expected service, product and version', async () => {
    lab.resetLog();
    const progress: ScanProgress[] = [];
    const result = await scanWithBuiltinEngine({
      hosts: lab.hosts,
      ports: STANDARD_PORTS,
      hostnames: new Map([['127.10.0.10', 'web.lab.test']]),
      onProgress: (update) => progress.push(update),
    });
    expect(() => EngineResult.parse(result)).not.toThrow();
    expect(result.engine).toBe('builtin');
    expect(
      result.observations.map(({ host, port, service, product, version }) => ({
        host,
        port,
        service,
        product,
        version,
      })),
    ).toEqual(
      STANDARD_LAB.services.map(({ host, port, expected }) => ({
        host,
        port,
        service: expected.service,
        product: expected.product,
        version: expected.version,
      })),
    );
    const ssh = result.observations.find((observation) => observation.port === 22)!;
    expect(ssh).toMatchObject({
      hostname: 'web.lab.test',
      banner: 'SSH-2.0-OpenSSH_7.2p2 Ubuntu-4ubuntu2.8',
      state: 'open',
      engine: 'builtin',
    });
    for (const summary of result.hosts) {
      const open = STANDARD_LAB.services.filter((service) => service.host === summary.host).length;
      expect(summary).toMatchObject({
        reachable: true,
        open,
        closed: STANDARD_PORTS.length - open,
        filtered: 0,
      });
    }
    expect(result.hosts[0]!.hostname).toBe('web.lab.test');
    // One connection per open port: the engine never probes a port twice.
    expect([...lab.connectionCounts().byService.values()].every((count) => count === 1)).toBe(true);
    expect(lab.connectionLog).toHaveLength(STANDARD_LAB.services.length);
    expect(progress.at(-1)).toEqual({ completed: 88, total: 88, open: 12, hostsDone: 11 });
  });

  it('holds the rate limit', async () => {
    const started = performance.now();
    const result = await scanWithBuiltinEngine({
      hosts: lab.hosts,
      ports: Array.from({ length: 20 }, (_, index) => 1000 + index),
      ratePerSecond: 500,
      grabBanners: false,
    });
    const elapsed = performance.now() - started;
    expect(result.hosts.every((summary) => summary.closed === 20)).toBe(true);
    // 220 probes at 500/s with a burst of 50 need at least (220 - 50) / 500 s.
    expect(elapsed).toBeGreaterThanOrEqual(330);
  });

  it('works with a single connection at a time and without banners', async () => {
    const result = await scanWithBuiltinEngine({
      hosts: ['127.10.0.10', '127.10.0.19'],
      ports: [22, 80],
      concurrency: 1,
      grabBanners: false,
    });
    expect(
      result.observations.map(({ host, port, service, product }) => [host, port, service, product]),
    ).toEqual([
      ['127.10.0.10', 22, 'ssh', undefined],
      ['127.10.0.10', 80, 'http', undefined],
      ['127.10.0.19', 22, 'ssh', undefined],
    ]);
  });

  it('finds the same with bare TCP handles as with net.Socket, banners included', async () => {
    const request = { hosts: lab.hosts, ports: STANDARD_PORTS };
    const describeResult = (result: Awaited<ReturnType<typeof scanWithBuiltinEngine>>) => ({
      observations: result.observations.map(
        ({ host, port, service, product, version, banner }) => ({
          host,
          port,
          service,
          product,
          version,
          // MySQL's greeting carries a per-connection id: compare that a banner was read.
          banner: banner !== undefined && banner.length > 0,
        }),
      ),
      hosts: result.hosts,
    });
    const viaHandles = await scanWithBuiltinEngine(request);
    const viaSockets = await scanWithBuiltinEngine({ ...request, socketsOnly: true });
    expect(viaHandles.observations.length).toBe(STANDARD_LAB.services.length);
    expect(describeResult(viaHandles)).toEqual(describeResult(viaSockets));
  });

  it('returns an empty result for nothing to scan', async () => {
    const result = await scanWithBuiltinEngine({ hosts: [], ports: [22] });
    expect(result.observations).toEqual([]);
    expect(result.hosts).toEqual([]);
  });

  it('stops early when aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const scan = scanWithBuiltinEngine({
      hosts: lab.hosts,
      ports: Array.from({ length: 2000 }, (_, index) => 20000 + index),
      ratePerSecond: 1000,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('analyst stopped the scan')),
    });
    await expect(scan).rejects.toThrow('analyst stopped the scan');
    expect(performance.now() - started).toBeLessThan(5000);
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      scanWithBuiltinEngine({ hosts: lab.hosts, ports: [22], signal: aborted.signal }),
    ).rejects.toThrow();
  });
});

describe('built-in engine on a generated lab', () => {
  it('finds exactly the generated services among 256 hosts x 100 ports', async () => {
    const definition = generateLab({ base: '127.23.0.0', hostCount: 256, openPortsPerHost: 4 });
    const lab = await startLoopbackLab(definition);
    try {
      const started = performance.now();
      const result = await scanWithBuiltinEngine({
        hosts: lab.hosts,
        ports: Array.from({ length: 100 }, (_, index) => index + 1),
      });
      console.log(
        `built-in engine, 256 x 100 with banners: ${((performance.now() - started) / 1000).toFixed(2)} s`,
      );
      const expected = definition.services
        .filter((service) => service.port <= 100)
        .map(
          ({ host, port, expected: { product, version } }) =>
            `${host}:${port} ${product} ${version}`,
        )
        .sort();
      const found = result.observations
        .map(({ host, port, product, version }) => `${host}:${port} ${product} ${version}`)
        .sort();
      expect(found).toEqual(expected);
      expect(result.hosts.reduce((sum, summary) => sum + summary.open + summary.closed, 0)).toBe(
        25_600,
      );
    } finally {
      await lab.close();
    }
  });
});
