import { existsSync, readFileSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

/**
 * The benchmark itself is run by hand (`npm run bench`) and judged by the
 * ratios it prints; this only proves it runs end to end on a tiny lab and
 * reports every figure.
 */
describe('npm run bench -- --small', () => {
  it(
    'measures every default-path figure and writes them as JSON',
    { timeout: 240_000 },
    async () => {
      const { stdout } = await execa(
        'node',
        ['--import', 'tsx', 'bench/run-benchmarks.ts', '--small'],
        {
          preferLocal: true,
        },
      );
      expect(stdout).toMatch(/spectra --help: +\d+\.\d+ s/);
      expect(stdout).toMatch(/nmap alone: +\d+\.\d+ s \(16 open ports\)/);
      expect(stdout).toMatch(/built-in alone: +\d+\.\d+ s \(16 open ports\)/);
      expect(stdout).toMatch(
        /spectra scan \(nmap, defaults\):\n {2}end to end \(CLI process\): +\d+\.\d+ s \(16 open ports\)/,
      );
      expect(stdout).toMatch(
        /spectra scan \(builtin, defaults\):\n.*\n {2}campaign \(startedAt..finishedAt\): \d+\.\d+ s \(16 open ports\)/,
      );
      expect(stdout).toMatch(/campaign\(built-in\) \/ built-in alone: +\d+\.\d+x/);
      expect(stdout).toMatch(/spectra campaigns \(warm host\): \d+\.\d+ s/);
      // Where a default campaign's time went, step by step, from restate-server's records.
      const timed = /where the time goes \(one more default nmap campaign, (c-\w+)\)/.exec(stdout);
      expect(timed).not.toBeNull();
      // Its invocations only: no other campaign's (the one just before it), no CLI reads.
      const table = stdout.slice(timed!.index).split('workflow journal')[0]!;
      expect(table).toMatch(/Campaigns\/submit +1 /);
      expect(table).toMatch(/CampaignWorkflow\/ID\/run +1 /);
      expect(table.match(/c-\w+/g)).toEqual([timed![1], timed![1]]);
      // Its batches' steps, from the Scanner journal kept for that campaign only.
      expect(stdout).toMatch(/scan batch journal[^]*Run "probe /);
      expect(stdout).toMatch(/\d+\.\d{3}\s+\d+\.\d{3}\s+Run "probe /);
      expect(stdout).toMatch(
        /idle RSS \(target: together <= 250 MB\):\n {2}host +\d+ MB.*\n {2}restateServer +\d+ MB.*\n {2}together +\d+ MB/,
      );
      // And again once the size's campaigns are done.
      expect(stdout).toMatch(
        /8 s after the 16x10 campaigns: \d+ MB \(host \d+ \+ restateServer \d+\)/,
      );
      // CPU of each process of a default campaign beside nmap alone's.
      expect(stdout).toMatch(
        /CPU s per run, campaignNmap: \d+\.\d+ \(nmap \d+\.\d+, host \d+\.\d+, restateServer \d+\.\d+, cli \d+\.\d+.*\) = \d+\.\d+x nmap alone/,
      );
      const file = /figures written to (.+\.json)/.exec(stdout)?.[1];
      expect(file && existsSync(file)).toBe(true);
      const figures = JSON.parse(readFileSync(file!, 'utf8'));
      expect(figures.results['16x10'].campaignBuiltin.seconds).toBeGreaterThan(0);
      expect(figures.results['16x10'].scanNmapEndToEnd.seconds).toBeGreaterThan(0);
      expect(figures.ratios['16x10'].campaignBuiltinOverBuiltinAlone).toBeGreaterThan(0);
      expect(figures.idle.restateServer.rssMegabytes).toBeGreaterThan(0);
      expect(figures.idleAfterCampaigns['16x10'].host.rssMegabytes).toBeGreaterThan(0);
      expect(figures.cpu['16x10'].campaignNmap.host.ownSeconds).toBeGreaterThan(0);
      expect(figures.targets.length).toBeGreaterThanOrEqual(5);
      rmSync(file!);
    },
  );
});
