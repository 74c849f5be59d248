import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript without declarations (it runs before anything is compiled)
import { buildRuntime } from '../../../bin/runtime-build.mjs';
import { generateLab, startLoopbackLab, type LoopbackLab } from '../../../test/lab/loopback-lab.js';
import { scanWithBuiltinEngine } from './builtin-engine.js';
import type { ScanProgress } from './scan-engine.js';

/**
 * A built-in scan spread over worker threads finds what one thread finds, in
 * the same order, with the same counts and progress; it stops every thread
 * when aborted; and the compiled runtime ships a thread entry that works.
 */
const PORTS = Array.from({ length: 100 }, (_, index) => index + 1);

type ScanResult = Awaited<ReturnType<typeof scanWithBuiltinEngine>>;

/** A result without what differs from scan to scan (probe times; MySQL's per-connection id in its greeting). */
function comparable(result: ScanResult) {
  return {
    observations: result.observations.map(({ observedAt: _time, banner, ...rest }) => ({
      ...rest,
      banner: banner?.replace(/[^ -~]/g, '.').slice(0, 40),
      hasBanner: banner !== undefined && banner.length > 0,
    })),
    hosts: result.hosts,
  };
}

let lab: LoopbackLab;
beforeAll(async () => {
  lab = await startLoopbackLab(
    generateLab({ base: '127.27.0.0', hostCount: 96, openPortsPerHost: 3 }),
  );
});
afterAll(async () => {
  await lab.close();
});

describe('built-in engine on worker threads', () => {
  it('finds the same on three threads as on one, progress included', async () => {
    const hostnames = new Map([[lab.hosts[5]!, 'five.lab.test']]);
    const single = await scanWithBuiltinEngine({
      hosts: lab.hosts,
      ports: PORTS,
      threads: 1,
      hostnames,
    });
    const updates: ScanProgress[] = [];
    const threaded = await scanWithBuiltinEngine({
      hosts: lab.hosts,
      ports: PORTS,
      threads: 3,
      hostnames,
      onProgress: (progress) => updates.push({ ...progress }),
    });
    const expectedOpen = lab.services.filter((service) => service.port <= 100).length;
    expect(single.observations).toHaveLength(expectedOpen);
    expect(comparable(threaded)).toEqual(comparable(single));
    expect(threaded.observations.find((o) => o.host === lab.hosts[5])?.hostname).toBe(
      'five.lab.test',
    );
    // Every port answered (open or refused) exactly once.
    for (const summary of threaded.hosts) {
      expect(summary.open + summary.closed).toBe(PORTS.length);
      expect(summary.filtered).toBe(0);
    }
    expect(updates.at(-1)).toEqual({
      completed: lab.hosts.length * PORTS.length,
      total: lab.hosts.length * PORTS.length,
      open: expectedOpen,
      hostsDone: lab.hosts.length,
    });
    for (const [index, update] of updates.entries()) {
      expect(update.hostsDone * PORTS.length).toBeLessThanOrEqual(update.completed);
      if (index > 0) expect(update.completed).toBeGreaterThanOrEqual(updates[index - 1]!.completed);
    }
    // One connection per open port over both scans: no thread probed a port twice.
    expect([...lab.connectionCounts().byService.values()].every((count) => count <= 2)).toBe(true);
  });

  it('stops every thread when aborted, its connections closed, then scans again', async () => {
    const openDescriptors = () => readdirSync('/proc/self/fd').length;
    const before = openDescriptors();
    const controller = new AbortController();
    let abortedAt = 0;
    const scan = scanWithBuiltinEngine({
      hosts: lab.hosts,
      // 96 hosts x 2,000 closed ports: the abort comes mid-scan, on both threads.
      ports: Array.from({ length: 2000 }, (_, index) => 30000 + index),
      threads: 2,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.completed < 20_000 || controller.signal.aborted) return;
        abortedAt = performance.now();
        controller.abort(new Error('analyst stopped the scan'));
      },
    });
    await expect(scan).rejects.toThrow('analyst stopped the scan');
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    // Up to 512 sockets were open across the threads: all closed with them.
    await expect.poll(openDescriptors, { timeout: 5000 }).toBeLessThanOrEqual(before + 2);
    const again = await scanWithBuiltinEngine({
      hosts: lab.hosts.slice(0, 4),
      ports: PORTS,
      threads: 2,
    });
    expect(again.hosts.every((summary) => summary.open + summary.closed === PORTS.length)).toBe(
      true,
    );
  });
});

describe('the compiled runtime', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'spectra-probe-threads-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('spreads a large scan over a thread from its bundled entry', async () => {
    const outputDir = join(scratch, 'cli');
    await buildRuntime({ force: true, outputDir });
    const scripts = readdirSync(outputDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.js'),
    );
    expect(scripts).toContain('builtin-probe-thread.js');
    // The Scanner service's engine call, as the host runs it.
    const scannerChunk = scripts.find((file) =>
      readFileSync(join(outputDir, file), 'utf8').includes('async function runEngine('),
    );
    expect(scannerChunk).toBeDefined();
    // 96 x 200 probes: enough for a second thread by default on two cores or more.
    const ports = Array.from({ length: 200 }, (_, index) => index + 1);
    const request = { engine: 'builtin', addresses: lab.hosts, ports, hostnames: {} };
    // A plain Node (no tsx): a thread can only load the bundled entry. Not execFileSync: the lab
    // runs on this process's event loop.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { subscribe } from 'node:diagnostics_channel';
         let threadsStarted = 0;
         subscribe('worker_threads', () => (threadsStarted += 1));
         const scanner = await import(${JSON.stringify(join(outputDir, scannerChunk!))});
         const result = await scanner.runEngine(${JSON.stringify(request)});
         console.log(JSON.stringify({ threadsStarted, result }));`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const { threadsStarted, result } = JSON.parse(stdout) as {
      threadsStarted: number;
      result: ScanResult;
    };
    expect(threadsStarted).toBe(Math.min(availableParallelism(), 2) - 1);
    const single = await scanWithBuiltinEngine({ hosts: lab.hosts, ports, threads: 1 });
    expect(comparable(result)).toEqual(comparable(single));
  });
});
