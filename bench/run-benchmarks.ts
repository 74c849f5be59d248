/**
 * `npm run bench`: campaign overhead against the engines alone, on loopback
 * labs of 256 and 4,096 hosts x 100 ports, all measured in this one run.
 *
 *   nmap alone           nmap -sT -T4 -n -Pn -p 1-100 (targets on stdin)
 *   built-in direct      scanWithBuiltinEngine, no Restate
 *   campaign (nmap)      spectra campaign, nmap engine, through Restate
 *   campaign (built-in)  spectra campaign, built-in engine, through Restate
 *
 * Prints figures and ratios and writes them as JSON (the path is printed).
 * `--small` runs a 16 x 10 lab only (used by the test that checks this runs).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import * as clients from '@restatedev/restate-sdk-clients';
import type { CampaignRequest } from '../src/shared/campaign.js';
import { formatPorts, parsePorts } from '../src/shared/port-spec.js';
import type { CampaignsService } from '../src/services/campaigns/campaign-submission-service.js';
import type { CampaignWorkflow } from '../src/services/campaigns/campaign-workflow.js';
import { scanWithBuiltinEngine } from '../src/services/engines/builtin-engine.js';
import { findNmap } from '../src/services/engines/nmap-engine.js';
import { generateLab, startLoopbackLab } from '../test/lab/loopback-lab.js';
import { startServeProcess } from '../test/support/serve-process.js';
import { temporaryDataDir } from '../test/support/temporary-host.js';

interface LabSize {
  label: string;
  base: string;
  hosts: number;
  ports: string;
  /** Campaign tuning used for this size (printed with the figures). */
  batchSize: number;
  batchesInFlight: number;
  /** Runs of each measurement; the median is reported (all runs are in the JSON). */
  repetitions: number;
}

const FULL_SIZES: LabSize[] = [
  {
    label: '256x100',
    base: '127.40.0.0',
    hosts: 256,
    ports: '1-100',
    batchSize: 300,
    batchesInFlight: 1,
    repetitions: 3,
  },
  {
    label: '4096x100',
    base: '127.44.0.0',
    hosts: 4096,
    ports: '1-100',
    batchSize: 1100,
    batchesInFlight: 4,
    repetitions: 1,
  },
];
const SMALL_SIZES: LabSize[] = [
  {
    label: '16x10',
    base: '127.48.0.0',
    hosts: 16,
    ports: '20-29',
    batchSize: 4,
    batchesInFlight: 2,
    repetitions: 1,
  },
];

interface Measurement {
  /** Median over the runs. */
  seconds: number;
  runs?: number[];
  openPorts?: number;
  peakRssMegabytes?: { restateServer: number; host: number };
}

async function main() {
  const small = process.argv.includes('--small');
  const sizes = small ? SMALL_SIZES : FULL_SIZES;
  const nmapPath = await findNmap();
  const results: Record<string, Record<string, Measurement>> = {};

  for (const size of sizes) {
    const definition = generateLab({ base: size.base, hostCount: size.hosts, openPortsPerHost: 2 });
    const lab = await startLoopbackLab(definition);
    const hosts = [...lab.hosts];
    const ports = parsePorts(size.ports);
    if (!ports.ok) throw new Error('bad ports');
    const figures: Record<string, Measurement> = {};
    results[size.label] = figures;
    try {
      log(`\n== ${size.label}: ${hosts.length} hosts x ${ports.value.length} ports ==`);
      if (nmapPath) {
        figures.nmapAlone = await timed(size.repetitions, async () => {
          const run = await execa(
            nmapPath,
            ['-sT', '-T4', '-n', '-Pn', '-p', formatPorts(ports.value), '-oX', '-', '-iL', '-'],
            {
              input: hosts.join('\n'),
            },
          );
          return { openPorts: (run.stdout.match(/state="open"/g) ?? []).length };
        });
        log(`nmap alone:          ${describe(figures.nmapAlone)}`);
      } else {
        log('nmap alone:          skipped (nmap not on PATH)');
      }
      figures.builtinDirect = await timed(size.repetitions, async () => {
        const result = await scanWithBuiltinEngine({ hosts, ports: ports.value });
        return { openPorts: result.observations.length };
      });
      log(`built-in direct:     ${describe(figures.builtinDirect)}`);

      const engines = nmapPath ? (['nmap', 'builtin'] as const) : (['builtin'] as const);
      for (const engine of engines) {
        const key = engine === 'nmap' ? 'campaignNmap' : 'campaignBuiltin';
        figures[key] = await runCampaign(size, hosts, engine);
        log(`campaign (${engine.padEnd(7)}):  ${describe(figures[key])}`);
      }
      if (figures.nmapAlone && figures.campaignNmap) {
        log(
          `ratio campaign(nmap) / nmap alone:          ${ratio(figures.campaignNmap, figures.nmapAlone)}`,
        );
      }
      log(
        `ratio campaign(built-in) / built-in direct: ${ratio(figures.campaignBuiltin!, figures.builtinDirect)}`,
      );
    } finally {
      await lab.close();
    }
  }

  const directory = join(process.cwd(), 'bench-results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const ratios = Object.fromEntries(
    Object.entries(results).map(([label, figures]) => [
      label,
      {
        campaignNmapOverNmapAlone:
          figures.campaignNmap && figures.nmapAlone
            ? figures.campaignNmap.seconds / figures.nmapAlone.seconds
            : null,
        campaignBuiltinOverBuiltinDirect:
          figures.campaignBuiltin!.seconds / figures.builtinDirect!.seconds,
      },
    ]),
  );
  writeFileSync(
    file,
    JSON.stringify(
      { measuredAt: new Date().toISOString(), sizes, results, ratios, machine: machineFacts() },
      null,
      2,
    ) + '\n',
  );
  log(`\nfigures written to ${file}`);
}

/**
 * A campaign as the app runs it: against a host that is already up and warm
 * (one small campaign first), timed from submission to the workflow's result.
 */
async function runCampaign(
  size: LabSize,
  hosts: string[],
  engine: 'nmap' | 'builtin',
): Promise<Measurement> {
  const scratch = temporaryDataDir('spectra-bench-');
  const serve = await startServeProcess(scratch.dataDir);
  try {
    const ingress = clients.connect({ url: serve.ingressUrl });
    const request: CampaignRequest = {
      name: `bench ${size.label} ${engine}`,
      targets: `${hosts[0]}-${hosts[hosts.length - 1]}`,
      ports: size.ports,
      scope: `${size.base}/16`,
      engine,
      batchSize: size.batchSize,
      batchesInFlight: size.batchesInFlight,
      // The benchmark measures scanning, not how fast an analyst approves: the
      // 4,096-host lab (its range spans a few skipped addresses too) would
      // otherwise wait for approval under the default policy.
      approvalPolicy: { maxHosts: 65_536 },
    };
    const run = async (campaign: CampaignRequest) => {
      const { campaignId } = await ingress
        .serviceClient<CampaignsService>({ name: 'Campaigns' })
        .submit(campaign, clients.rpc.opts({ idempotencyKey: `bench-${randomUUID()}` }));
      const progress = await ingress
        .workflowClient<CampaignWorkflow>({ name: 'CampaignWorkflow' }, campaignId)
        .workflowAttach();
      if (progress.state !== 'completed')
        throw new Error(`campaign ${campaignId} ended ${progress.state}`);
      return progress;
    };
    await run({ ...request, name: 'warm-up', targets: `${hosts[0]}-${hosts[1]}`, ports: '20-29' });

    const sampler = startRssSampler([serve.child.pid!, serve.serverPid()]);
    let openPorts = 0;
    const measurement = await timed(size.repetitions, async () => {
      openPorts = (await run(request)).totals.openPorts;
      return { openPorts };
    });
    const [host, restateServer] = sampler.stop();
    return { ...measurement, peakRssMegabytes: { host: host!, restateServer: restateServer! } };
  } finally {
    await serve.stop();
    scratch.remove();
  }
}

/** Peak resident memory of each pid, sampled every 100 ms from /proc (Linux). */
function startRssSampler(pids: number[]) {
  const peaks = pids.map(() => 0);
  const sample = () =>
    pids.forEach((pid, index) => {
      try {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (match) peaks[index] = Math.max(peaks[index]!, Number(match[1]) / 1024);
      } catch {
        // The process is gone or /proc is absent.
      }
    });
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peaks.map((peak) => Math.round(peak));
    },
  };
}

async function timed(
  repetitions: number,
  action: () => Promise<{ openPorts?: number }>,
): Promise<Measurement> {
  const runs: number[] = [];
  let extra: { openPorts?: number } = {};
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const started = performance.now();
    extra = await action();
    runs.push((performance.now() - started) / 1000);
  }
  const sorted = [...runs].sort((left, right) => left - right);
  return { seconds: sorted[Math.floor(sorted.length / 2)]!, runs, ...extra };
}

function describe(measurement: Measurement | undefined): string {
  if (!measurement) return 'n/a';
  const memory = measurement.peakRssMegabytes
    ? `, peak RSS host ${measurement.peakRssMegabytes.host} MB, restate-server ${measurement.peakRssMegabytes.restateServer} MB`
    : '';
  const spread =
    measurement.runs && measurement.runs.length > 1
      ? ` median of ${measurement.runs.map((run) => run.toFixed(2)).join(', ')}`
      : '';
  return `${measurement.seconds.toFixed(2)} s (${measurement.openPorts ?? '?'} open ports${memory}${spread})`;
}

function ratio(numerator: Measurement, denominator: Measurement | undefined): string {
  return denominator ? `${(numerator.seconds / denominator.seconds).toFixed(2)}x` : 'n/a';
}

function machineFacts() {
  return {
    cpus: (readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm) ?? []).length,
    node: process.version,
  };
}

function log(line: string) {
  process.stdout.write(line + '\n');
}

await main();
