import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLab, startLoopbackLab, type LoopbackLab } from '../../test/lab/loopback-lab.js';
import { temporaryDataDir } from '../../test/support/temporary-host.js';
import { PIPED_COUNTS_INTERVAL_MS } from './progress-display.js';

/**
 * `spectra scan` piped, on a one-batch campaign slowed by its own rate limit
 * (40 hosts x 3 ports at 10 probes/s, about 12 s): the progress lines count
 * hosts inside the running batch, and new counts come at most every 5 s.
 */
const HOSTS = 40;
const LAB_PREFIX = '127.97.7';
const scratch = temporaryDataDir('spectra-cli-progress-');
let lab: LoopbackLab;

beforeAll(async () => {
  lab = await startLoopbackLab(
    generateLab({ hostCount: HOSTS, base: `${LAB_PREFIX}.0`, openPortsPerHost: 2 }),
    { waitForAddressMs: 10_000 },
  );
});

afterAll(async () => {
  await lab?.close();
  scratch.remove();
});

describe('spectra scan progress', () => {
  it('prints host counts from inside the single running batch', { timeout: 120_000 }, async () => {
    const started = Date.now();
    const scan = await execa(
      'node',
      [
        'bin/spectra.mjs',
        'scan',
        '--targets',
        `${LAB_PREFIX}.1-${HOSTS}`,
        '--ports',
        '22,80,81',
        '--scope',
        `${LAB_PREFIX}.0/24`,
        '--engine',
        'builtin',
        '--batch',
        String(HOSTS),
        '--rate',
        '10',
        '--timeout',
        '500',
        '--data-dir',
        scratch.dataDir,
      ],
      { preferLocal: true, reject: false, stdin: 'ignore', timeout: 100_000 },
    );
    const elapsed = Date.now() - started;
    expect(scan.exitCode, scan.stderr).toBe(0);
    const lines = `${scan.stdout}\n${scan.stderr}`
      .split('\n')
      .filter((line) => line.startsWith('progress: '));
    process.stdout.write(`[spectra scan, piped, ${elapsed} ms]\n${lines.join('\n')}\n`);
    const scanning = lines
      .filter((line) => line.startsWith('progress: scanning '))
      .map((line) => Number(new RegExp(`(\\d+)/${HOSTS} targets`).exec(line)?.[1]));
    // Inside the one batch (the durable totals say 0 until it ends), hosts were counted.
    expect(scanning.some((count) => count > 0 && count < HOSTS)).toBe(true);
    expect(scanning).toEqual([...scanning].sort((left, right) => left - right));
    // Counts at most every interval (plus one line per state change).
    expect(scanning.length).toBeLessThanOrEqual(Math.ceil(elapsed / PIPED_COUNTS_INTERVAL_MS) + 1);
    expect(lines.at(-1)).toMatch(new RegExp(`^progress: completed ${HOSTS}/${HOSTS} targets`));
  });
});
