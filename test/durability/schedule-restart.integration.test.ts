import { connectSpectra } from '../../src/clients/service-clients.js';
import { afterAll, describe, expect, it } from 'vitest';
import { ScheduleCreateRequest } from '../../src/shared/schedule.js';
import { isAlive, temporaryDataDir, waitFor } from '../support/temporary-host.js';
import { startServeProcess } from '../support/serve-process.js';

/**
 * A schedule is a durable timer in restate-server, not a timer in our
 * process: a one-off schedule armed before a SIGKILL of `spectra serve`
 * still fires, exactly once, after the host starts again.
 */
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('a one-off schedule survives SIGKILL of the host', () => {
  it('fires after the restart', { timeout: 120_000 }, async () => {
    const { dataDir, remove } = temporaryDataDir();
    cleanups.push(remove);
    const first = await startServeProcess(dataDir);
    cleanups.push(() => first.stop());
    const at = new Date(Date.now() + 4_000).toISOString();
    const created = await connectSpectra(first.ingress)
      .schedules()
      .create(
        ScheduleCreateRequest.parse({
          request: {
            name: 'survives restart',
            targets: '127.70.8.1',
            ports: '80',
            scope: '127.70.8.0/24',
            engine: 'builtin',
            connectTimeoutMs: 200,
          },
          cadence: { kind: 'once', at },
        }),
      );
    expect(created.nextRunAt).toBe(at);

    const serverPid = first.serverPid();
    first.child.kill('SIGKILL');
    await first.child;
    // The kill landed while the timer was still pending.
    expect(Date.now()).toBeLessThan(Date.parse(at));
    await waitFor('restate-server to die with its host', () => !isAlive(serverPid), 5_000);

    const second = await startServeProcess(dataDir);
    cleanups.push(() => second.stop());
    const services = connectSpectra(second.ingress);
    const fired = await waitFor(
      'the schedule to fire after the restart',
      async () => {
        const entry = await services.schedules().get({ scheduleId: created.scheduleId });
        return entry?.state === 'finished' ? entry : undefined;
      },
      30_000,
    );
    expect(fired.runCount).toBe(1);
    expect(fired.lastRuns[0]).toMatchObject({ dueAt: at });
    expect(Date.parse(fired.lastRuns[0]!.firedAt)).toBeGreaterThanOrEqual(Date.parse(at));
    const campaignId = fired.lastRuns[0]!.campaignId!;
    await waitFor('the scheduled campaign to be listed', async () =>
      (await services.campaignIndex().list()).some((listing) => listing.campaignId === campaignId),
    );
  });
});
