import { existsSync, readFileSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

/**
 * The benchmark itself is run by hand (`npm run bench`) and judged by the
 * ratios it prints; this only proves it runs end to end on a tiny lab and
 * reports every figure.
 */
describe('npm run bench -- --small', () => {
  it('measures all four runs and writes them as JSON', { timeout: 240_000 }, async () => {
    const { stdout } = await execa(
      'node',
      ['--import', 'tsx', 'bench/run-benchmarks.ts', '--small'],
      {
        preferLocal: true,
      },
    );
    expect(stdout).toMatch(/nmap alone: +\d+\.\d+ s/);
    expect(stdout).toMatch(/built-in direct: +\d+\.\d+ s \(16 open ports\)/);
    expect(stdout).toMatch(
      /campaign \(nmap +\): +\d+\.\d+ s \(16 open ports, peak RSS host \d+ MB, restate-server \d+ MB\)/,
    );
    expect(stdout).toMatch(/campaign \(builtin\): +\d+\.\d+ s \(16 open ports/);
    expect(stdout).toMatch(/ratio campaign\(built-in\) \/ built-in direct: \d+\.\d+x/);
    const file = /figures written to (.+\.json)/.exec(stdout)?.[1];
    expect(file && existsSync(file)).toBe(true);
    const figures = JSON.parse(readFileSync(file!, 'utf8'));
    expect(figures.results['16x10'].campaignBuiltin.seconds).toBeGreaterThan(0);
    expect(figures.ratios['16x10'].campaignBuiltinOverBuiltinDirect).toBeGreaterThan(0);
    rmSync(file!);
  });
});
