import { callOptions, connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ScheduleCreateRequest,
  ScheduleEditRequest,
  type ScheduleEntry,
} from '../../shared/schedule.js';
import { startTemporaryAppHost, waitFor } from '../../../test/support/temporary-host.js';
import type { Host } from '../../main/host/host-runtime.js';

/**
 * Schedules against a real restate-server: a short repeating schedule fires
 * (each run a campaign through Campaigns.submit), and removing it stops it.
 * Targets are a closed loopback address of this suite's own range.
 */
const INTERVAL_MS = 1_500;
const REQUEST = {
  name: 'every 1.5s schedule test',
  targets: '127.70.9.1',
  ports: '80',
  scope: '127.70.9.0/24',
  engine: 'builtin' as const,
  connectTimeoutMs: 200,
};

let host: Host & { dispose: () => Promise<void> };
let services: SpectraClients;

beforeAll(async () => {
  host = await startTemporaryAppHost();
  services = connectSpectra(host.ingress);
});

afterAll(async () => {
  await host?.dispose();
});

function schedules() {
  return services.schedules();
}

async function campaignIdsNamed(name: string): Promise<string[]> {
  const listings = await services.campaignIndex().list();
  return listings.filter((listing) => listing.name === name).map((listing) => listing.campaignId);
}

describe('campaign schedules', () => {
  it('runs a repeating schedule until it is removed, then never again', async () => {
    const created = await schedules().create(
      ScheduleCreateRequest.parse({
        request: REQUEST,
        cadence: { kind: 'every', intervalMs: INTERVAL_MS },
      }),
      callOptions({ idempotencyKey: 'schedule-repeat-test' }),
    );
    expect(created.scheduleId).toMatch(/^s-[0-9a-f]{12}$/);
    expect(created.state).toBe('active');
    expect((await schedules().list()).map((entry) => entry.scheduleId)).toContain(
      created.scheduleId,
    );

    const twice = await waitFor(
      'two runs',
      async () => {
        const entry = await schedules().get({ scheduleId: created.scheduleId });
        return entry && entry.runCount >= 2 ? entry : undefined;
      },
      15_000,
    );
    expect(twice.lastRuns.every((run) => run.campaignId && !run.error)).toBe(true);
    // Occurrences are one interval apart, each its own campaign.
    const [first, second] = twice.lastRuns;
    expect(Date.parse(second!.dueAt) - Date.parse(first!.dueAt)).toBe(INTERVAL_MS);
    expect(first!.campaignId).not.toBe(second!.campaignId);

    const { removed, entry } = await schedules().remove({ scheduleId: created.scheduleId });
    expect(removed).toBe(true);
    const finalRuns = (entry as ScheduleEntry).lastRuns.map((run) => run.campaignId).sort();
    expect(await schedules().get({ scheduleId: created.scheduleId })).toBeNull();

    // Every run's campaign is listed, and no tick after the removal adds one.
    await waitFor(
      'the campaigns of every run to be listed',
      async () => (await campaignIdsNamed(REQUEST.name)).length === finalRuns.length,
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 3 * INTERVAL_MS));
    expect((await campaignIdsNamed(REQUEST.name)).sort()).toEqual(finalRuns);
    expect((await schedules().remove({ scheduleId: created.scheduleId })).removed).toBe(false);
  });

  it('refuses a schedule whose campaign would not validate, storing nothing', async () => {
    const before = (await schedules().list()).length;
    await expect(
      schedules().create(
        ScheduleCreateRequest.parse({
          request: { ...REQUEST, targets: '127.70.9.1', scope: '127.71.0.0/24' },
          cadence: { kind: 'every', intervalMs: INTERVAL_MS },
        }),
      ),
    ).rejects.toThrow(/scope/i);
    await expect(
      schedules().create(
        ScheduleCreateRequest.parse({
          request: REQUEST,
          cadence: { kind: 'once', at: '2020-01-01T00:00:00Z' },
        }),
      ),
    ).rejects.toThrow(/in the past/);
    expect(await schedules().list()).toHaveLength(before);
  });

  it('pauses (no run), runs now, resumes without a burst, and runs an edit', async () => {
    const name = 'pause-resume schedule test';
    const created = await schedules().create(
      ScheduleCreateRequest.parse({
        request: { ...REQUEST, name, targets: '127.70.9.2' },
        cadence: { kind: 'every', intervalMs: INTERVAL_MS },
      }),
    );
    const scheduleId = created.scheduleId;
    const paused = await schedules().pause({ scheduleId });
    expect(paused).toMatchObject({ state: 'paused', generation: created.generation + 1 });
    // Paused: the first due time (1.5 s) passes twice over and nothing starts.
    await new Promise((resolve) => setTimeout(resolve, 2.5 * INTERVAL_MS));
    expect((await schedules().get({ scheduleId }))?.runCount).toBe(0);
    expect(await campaignIdsNamed(name)).toEqual([]);

    // Run now: one campaign at once, paused or not, the due time left alone.
    const { entry: ranNow, run } = await schedules().runNow({ scheduleId });
    expect(run).toMatchObject({ manual: true });
    expect(run.campaignId).toMatch(/^c-/);
    expect(ranNow).toMatchObject({ state: 'paused', runCount: 1, nextRunAt: paused.nextRunAt });
    await waitFor(
      'the run-now campaign to be listed',
      async () => (await campaignIdsNamed(name)).includes(run.campaignId!),
      10_000,
    );

    // Resume: the missed occurrences are skipped; the next one after now is the first to run.
    const resumedAt = Date.now();
    const resumed = await schedules().resume({ scheduleId });
    expect(resumed.state).toBe('active');
    expect(Date.parse(resumed.nextRunAt!)).toBeGreaterThanOrEqual(resumedAt - 1000);
    expect(Date.parse(resumed.nextRunAt!)).toBeLessThanOrEqual(resumedAt + INTERVAL_MS);
    const fired = await waitFor(
      'a timed run after resume',
      async () => {
        const entry = await schedules().get({ scheduleId });
        return entry && entry.runCount >= 2 ? entry : undefined;
      },
      10_000,
    );
    const timed = fired.lastRuns.filter((each) => !each.manual);
    expect(timed[0]?.dueAt).toBe(resumed.nextRunAt);
    expect(timed[0]?.campaignId).toMatch(/^c-/);

    // A bad edit changes nothing; an unknown id is named.
    await expect(
      schedules().edit({
        scheduleId,
        request: { ...REQUEST, name, targets: '127.70.9.2', scope: '127.71.0.0/24' },
      }),
    ).rejects.toThrow(/scope/i);
    await expect(schedules().pause({ scheduleId: 's-000000000000' })).rejects.toThrow(
      /no schedule s-000000000000/,
    );

    // Edit: a new interval and a new request; the runs after it use both.
    const editedName = 'edited schedule test';
    const edited = await schedules().edit(
      ScheduleEditRequest.parse({
        scheduleId,
        request: { ...REQUEST, name: editedName, targets: '127.70.9.3' },
        cadence: { kind: 'every', intervalMs: 1_000 },
      }),
    );
    expect(edited).toMatchObject({ name: editedName, cadence: { intervalMs: 1_000 } });
    const afterEdit = await waitFor(
      'two runs of the edited schedule',
      async () => {
        const entry = await schedules().get({ scheduleId });
        const runs = entry?.lastRuns.filter((each) => each.dueAt >= edited.nextRunAt!) ?? [];
        return runs.length >= 2 ? runs : undefined;
      },
      10_000,
    );
    expect(Date.parse(afterEdit[1]!.dueAt) - Date.parse(afterEdit[0]!.dueAt)).toBe(1_000);
    await schedules().remove({ scheduleId });
    const editedCampaigns = await waitFor(
      'the edited runs to be listed',
      async () => {
        const ids = await campaignIdsNamed(editedName);
        return afterEdit.every((each) => ids.includes(each.campaignId!)) ? ids : undefined;
      },
      10_000,
    );
    expect(editedCampaigns.length).toBeGreaterThanOrEqual(2);
    const report = await waitFor(
      'the report of an edited run',
      () => services.campaignReport(afterEdit[0]!.campaignId!),
      15_000,
    );
    expect(report.request.targets).toBe('127.70.9.3');
  });
});
