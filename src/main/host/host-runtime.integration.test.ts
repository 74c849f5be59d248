import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import * as restate from '@restatedev/restate-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSpectra } from '../../clients/service-clients.js';
import { diagnosticsService } from '../../services/diagnostics/diagnostics-service.js';
import {
  isAlive,
  startTemporaryHost,
  temporaryDataDir,
  waitFor,
} from '../../../test/support/temporary-host.js';
import { HostAlreadyRunning, startHost } from './host-runtime.js';
import type { RestateServerFailed } from './supervised-restate-server.js';

/** How often each step body really ran, to tell journaled replay from re-execution. */
const stepExecutions = new Map<string, number>();

const durabilityProbe = restate.workflow({
  name: 'DurabilityProbe',
  handlers: {
    run: async (context: restate.WorkflowContext, input: { steps: number; pauseMs: number }) => {
      const squares: number[] = [];
      for (let step = 0; step < input.steps; step++) {
        const square = await context.run(`step ${step}`, () => {
          const key = `${context.key}/${step}`;
          stepExecutions.set(key, (stepExecutions.get(key) ?? 0) + 1);
          return step * step;
        });
        squares.push(square);
        context.set('completed', step + 1);
        await context.sleep(input.pauseMs);
      }
      return squares;
    },
    completed: async (context: restate.WorkflowSharedContext) =>
      (await context.get<number>('completed')) ?? 0,
  },
});

const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (disposers.length) await disposers.pop()!();
});

describe('host runtime against a real restate-server', () => {
  it('runs a durable handler end to end on Node >= 22, loopback only, with signed requests', async () => {
    const host = await startTemporaryHost({ services: [diagnosticsService] });
    disposers.push(host.dispose);

    const runtime = await connectSpectra(host.ingress).diagnostics().runtime();
    expect(Number(runtime.nodeVersion.slice(1).split('.')[0])).toBeGreaterThanOrEqual(22);
    expect(runtime.pid).toBe(process.pid);

    const config = readFileSync(host.layout.restateConfigFile, 'utf8');
    expect(config).toContain('bind-ip = "127.0.0.1"');
    expect(config).toContain('disable-telemetry = true');
    expect(config).toContain('node-name = "spectra-local"');

    // restate-server listens on Unix sockets only (ingress, admin, node): no TCP, no UDP.
    const ownedByServer = (stdout: string) =>
      stdout.split('\n').filter((line) => line.includes(`pid=${host.serverPid()},`));
    expect(ownedByServer((await execa('ss', ['-Hltunp'])).stdout)).toEqual([]);
    const unixListeners = ownedByServer((await execa('ss', ['-Hlxp'])).stdout);
    expect(unixListeners.join('\n')).toContain('ingress.sock');
    expect(unixListeners.join('\n')).toContain('admin.sock');

    // A request that restate-server did not sign is refused by the endpoint.
    const status = await new Promise<number>((resolve, reject) => {
      const session = http2.connect(`http://127.0.0.1:${host.ports.endpoint}`);
      session.on('error', reject);
      const request = session.request({ ':method': 'GET', ':path': '/discover' });
      request.on('response', (headers) => {
        resolve(Number(headers[':status']));
        session.close();
      });
      request.end();
    });
    expect(status).toBe(401);
  });

  it('restarts a SIGKILLed restate-server and the workflow completes with its journal intact', async () => {
    const host = await startTemporaryHost({ services: [durabilityProbe] });
    disposers.push(host.dispose);
    // A test-only workflow: its client is built from the definition itself, not from a name.
    const probe = connectSpectra(host.ingress).ingress.workflowClient(
      durabilityProbe,
      'kill-server',
    );
    await probe.workflowSubmit({ steps: 5, pauseMs: 700 });

    await waitFor('two steps done', async () => (await probe.completed()) >= 2);
    const killedPid = host.serverPid();
    const restarted = new Promise<void>((resolve) =>
      host.on('server-state', (state) => state === 'ready' && resolve()),
    );
    process.kill(killedPid!, 'SIGKILL');
    await restarted;
    expect(host.serverPid()).not.toBe(killedPid);

    expect(await probe.workflowAttach()).toEqual([0, 1, 4, 9, 16]);
    for (let step = 0; step < 5; step++) expect(stepExecutions.get(`kill-server/${step}`)).toBe(1);
  });

  it(
    'gives up with the server log after repeated crashes instead of looping',
    { timeout: 60_000 },
    async () => {
      const host = await startTemporaryHost({
        services: [diagnosticsService],
        restartPolicy: { maxRestarts: 1, windowMs: 60_000, initialDelayMs: 50, maxDelayMs: 50 },
      });
      disposers.push(host.dispose);
      const fatal = new Promise<RestateServerFailed>((resolve) => host.on('fatal', resolve));

      const firstPid = host.serverPid();
      process.kill(firstPid!, 'SIGKILL');
      await waitFor(
        'first restart',
        () => host.serverState() === 'ready' && host.serverPid() !== firstPid,
      );
      process.kill(host.serverPid()!, 'SIGKILL');

      const failure = await fatal;
      expect(failure.message).toMatch(/exited 2 times within 60s .*giving up/);
      expect(failure.lastLogLines.length).toBeGreaterThan(0);
      expect(host.serverState()).toBe('failed');
    },
  );

  it('refuses a second host on the same data dir and leaves no process behind after close', async () => {
    const host = await startTemporaryHost({ services: [diagnosticsService] });
    disposers.push(host.dispose);
    await expect(
      startHost({ dataDir: host.dataDir, appVersion: 'x', services: [] }),
    ).rejects.toBeInstanceOf(HostAlreadyRunning);
    const serverPid = host.serverPid();
    expect(isAlive(serverPid)).toBe(true);
    await host.close();
    expect(isAlive(serverPid)).toBe(false);
  });

  it('does not let restate-server outlive a host that is SIGKILLed, and reopens the data dir after', async () => {
    const { dataDir, remove } = temporaryDataDir();
    disposers.push(remove);
    const serve = () =>
      execa('node', ['bin/spectra.mjs', 'serve', '--data-dir', dataDir, '--no-ui'], {
        reject: false,
        preferLocal: true,
      });

    const first = serve();
    disposers.push(() => void first.kill('SIGKILL'));
    const serverPid = await waitFor('restate-server pid file', () => {
      try {
        return Number(readFileSync(`${dataDir}/restate-server.pid`, 'utf8')) || undefined;
      } catch {
        return undefined;
      }
    });
    await waitFor('host.json', () => {
      try {
        return readFileSync(`${dataDir}/host.json`, 'utf8');
      } catch {
        return undefined;
      }
    });
    first.kill('SIGKILL');
    await first;
    await waitFor('orphaned restate-server to die', () => !isAlive(serverPid), 5_000);

    const second = serve();
    disposers.push(() => void second.kill('SIGKILL'));
    let output = '';
    second.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('second serve to start', () => output.includes('Press Ctrl-C to stop.'));
    second.kill('SIGINT');
    const result = await second;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Stopped.');
  });
});
