import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { jsonForTerminal } from '../terminal-text.js';
import { connectSpectra } from '../../clients/service-clients.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readRunningHostInfo,
  readJsonFile,
  dataDirLayout,
  HostPorts,
} from '../../main/host/data-dir.js';
import { probeWritable } from '../../main/host/disk-fault.js';
import { ingressTransport, type IngressTransport } from '../../main/host/ingress-transport.js';
import { withRequestTimeout } from '../host-connection.js';
import { isLoopbackPortFree } from '../../main/host/loopback-ports.js';
import { resolveRestateServerBinary } from '../../main/host/restate-server-binary.js';
import { findElectronBinary } from '../../main/host/electron-binary.js';
import { SETPRIV } from '../../main/host/parent-death-signal.js';
import { nodeCanRunServices, SERVICES_MIN_NODE } from '../../main/host/services-node-version.js';
import { APP_VERSION } from '../app-version.js';
import type { Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';

interface CheckResult {
  name: string;
  ok: boolean;
  optional: boolean;
  detail: string;
  fix?: string;
}

export const doctorCommand: Command = {
  name: 'doctor',
  usage: `spectra doctor [--data-dir DIR] [--json]

Checks what Spectra-Red needs and says how to fix what is missing. Optional
items (nmap, Electron) are reported but do not fail the check. Starts a
temporary host on a scratch directory (or asks the running one) to prove which
Node.js actually runs the services.`,
  options: { json: { type: 'boolean' } },
  async run(parsed) {
    const dataDir = resolveDataDir(parsed);
    // Loaded with this command only: every other command starts without them.
    const { execa } = await import('execa');
    const results: CheckResult[] = [];
    const check = async (
      name: string,
      optional: boolean,
      probe: () => Promise<Omit<CheckResult, 'name' | 'optional'>>,
    ) => {
      try {
        results.push({ name, optional, ...(await probe()) });
      } catch (error) {
        results.push({
          name,
          optional,
          ok: false,
          detail: (error as Error).message.split('\n')[0] ?? 'failed',
        });
      }
    };

    await check('node (CLI)', false, async () => nodeCheck(process.version));
    await check('restate-server', false, async () => {
      const binary = resolveRestateServerBinary();
      const { stdout } = await execa(binary, ['--version'], { timeout: 10_000 });
      return { ok: true, detail: `${stdout.trim()} (${binary})` };
    });
    await check('data dir', false, async () => {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      // Writes and removes a real file: access(W_OK) says yes on a read-only mount for root.
      const fault = probeWritable(dataDir);
      return fault
        ? {
            ok: false,
            detail: fault.message,
            fix: 'remount it read-write, free space, or use --data-dir',
          }
        : { ok: true, detail: `${dataDir} is writable` };
    });
    await check('ports', false, async () => portsCheck(dataDir));
    await check('node (services)', false, async () => servicesRuntimeCheck(dataDir));
    await check('nmap', true, async () => {
      const { stdout } = await execa('nmap', ['--version'], { timeout: 10_000 });
      return { ok: true, detail: stdout.split('\n')[0] ?? 'nmap' };
    }).then(() => {
      const last = results[results.length - 1];
      if (last && !last.ok) {
        last.detail = 'not found on PATH; the built-in engine is used instead';
        last.fix = 'sudo apt-get install nmap (Debian/Ubuntu) or brew install nmap (macOS)';
      }
    });
    await check('parent-death signal', process.platform !== 'linux', async () =>
      existsSync(SETPRIV)
        ? { ok: true, detail: 'setpriv found: restate-server cannot outlive a crashed host' }
        : { ok: false, detail: 'setpriv not found', fix: 'install util-linux' },
    );
    await check('electron', true, async () => {
      const binary = findElectronBinary();
      return binary
        ? { ok: true, detail: binary }
        : {
            ok: false,
            detail: 'Electron binary not installed; `npm start` uses browser mode',
            fix: 'npm install-scripts approve electron && npm rebuild electron (downloads Electron)',
          };
    });

    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal({ appVersion: APP_VERSION, checks: results }) + '\n');
    } else {
      for (const result of results) {
        const mark = result.ok ? 'ok  ' : result.optional ? 'warn' : 'FAIL';
        process.stdout.write(`${mark}  ${result.name}: ${result.detail}\n`);
        if (!result.ok && result.fix) process.stdout.write(`      fix: ${result.fix}\n`);
      }
    }
    return results.some((result) => !result.ok && !result.optional) ? 1 : 0;
  },
};

function nodeCheck(version: string): Omit<CheckResult, 'name' | 'optional'> {
  const bare = version.replace(/^v/, '');
  return nodeCanRunServices(bare)
    ? { ok: true, detail: `${version} (${process.execPath})` }
    : {
        ok: false,
        detail: `${version} is too old: the services need Node.js >= ${SERVICES_MIN_NODE.major}.${SERVICES_MIN_NODE.minor}`,
        fix: 'install a newer Node.js (or run bin/spectra.mjs with a newer node first in PATH)',
      };
}

async function portsCheck(dataDir: string): Promise<Omit<CheckResult, 'name' | 'optional'>> {
  const running = readRunningHostInfo(dataDir);
  if (running) return { ok: true, detail: `in use by the running host (pid ${running.pid})` };
  const saved = readJsonFile(dataDirLayout(dataDir).portsFile, HostPorts);
  if (!saved)
    return {
      ok: true,
      detail: 'no ports chosen yet; free loopback ports are picked at first start',
    };
  const busy: string[] = [];
  for (const [name, port] of Object.entries(saved)) {
    if (!(await isLoopbackPortFree(port))) busy.push(`${name} ${port}`);
  }
  return busy.length === 0
    ? { ok: true, detail: `last used ports are free (${Object.values(saved).join(', ')})` }
    : { ok: true, detail: `busy now, other free ports will be picked: ${busy.join(', ')}` };
}

async function servicesRuntimeCheck(
  dataDir: string,
): Promise<Omit<CheckResult, 'name' | 'optional'>> {
  const running = readRunningHostInfo(dataDir);
  if (running) return describeRuntime(ingressTransport(running), 'running host');
  const [{ startHost }, { diagnosticsService }] = await Promise.all([
    import('../../main/host/host-runtime.js'),
    import('../../services/diagnostics/diagnostics-service.js'),
  ]);
  const scratch = mkdtempSync(join(tmpdir(), 'spectra-doctor-'));
  const host = await startHost({
    dataDir: scratch,
    appVersion: APP_VERSION,
    services: [diagnosticsService],
  });
  try {
    return await describeRuntime(host.ingress, 'temporary host');
  } finally {
    await host.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function describeRuntime(
  transport: IngressTransport,
  where: string,
): Promise<Omit<CheckResult, 'name' | 'optional'>> {
  const runtime = await connectSpectra(withRequestTimeout(transport)).diagnostics().runtime();
  const check = nodeCheck(runtime.nodeVersion);
  return {
    ...check,
    detail: `${runtime.nodeVersion} runs the handlers (${where}, pid ${runtime.pid})`,
  };
}
