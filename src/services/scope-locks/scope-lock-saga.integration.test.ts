import * as restate from '@restatedev/restate-sdk';
import { connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignRequest } from '../../shared/campaign.js';
import { CAMPAIGN_STEPS, createCampaignWorkflow } from '../campaigns/campaign-workflow.js';
import { servicesForDataDir } from '../../main/app-services.js';
import {
  startTemporaryHost,
  temporaryDataDir,
  waitFor,
} from '../../../test/support/temporary-host.js';
import type { Host } from '../../main/host/host-runtime.js';

/**
 * The scope-lock saga against a real host whose CampaignWorkflow carries the
 * test-only failure hook (a campaign named `fail after STEP` fails right
 * after STEP). Addresses 127.61-127.63.x have no listeners: every probe is
 * refused at once, and `ratePerSecond` paces a campaign we need to overlap.
 */
const PLAIN: CampaignRequest = {
  name: 'saga',
  targets: '127.61.0.0/29',
  ports: '22,80',
  scope: '127.61.0.0/24',
  engine: 'builtin',
  connectTimeoutMs: 500,
};

let host: Host & { dispose: () => Promise<void> };
let services: SpectraClients;
const scratch = temporaryDataDir();

beforeAll(async () => {
  const withFaults = servicesForDataDir(scratch.dataDir).map((service) =>
    service.name === 'CampaignWorkflow'
      ? createCampaignWorkflow({
          // The fault injection lives here: the shipped workflow only calls the hook.
          afterStep: (step, spec) => {
            if (spec.name === `fail after ${step}`)
              throw new restate.TerminalError(`injected failure after step ${step}`);
          },
        })
      : service,
  );
  host = await startTemporaryHost({ dataDir: scratch.dataDir, services: withFaults });
  services = connectSpectra(host.ingress);
});

afterAll(async () => {
  await host?.dispose();
  scratch.remove();
});

const workflow = (campaignId: string) => services.campaignWorkflow(campaignId);
const locks = () => services.scopeLocks();
const marks = () => services.scanMarks();
const approvals = () => services.approvals();

async function submit(request: Partial<CampaignRequest>): Promise<string> {
  return (await services.campaigns().submit({ ...PLAIN, ...request })).campaignId;
}

/** Nothing of the campaign left behind: no lock, no queue entry, no mark, no pending approval. */
async function expectNothingHeld(campaignId: string) {
  const status = await locks().status();
  expect([...status.holders, ...status.queue].map((entry) => entry.campaignId)).not.toContain(
    campaignId,
  );
  expect((await marks().list()).map((mark) => mark.campaignId)).not.toContain(campaignId);
  expect((await approvals().list()).map((approval) => approval.campaignId)).not.toContain(
    campaignId,
  );
}

describe('the scope-lock saga', () => {
  it.each(CAMPAIGN_STEPS)(
    'a failure after step %s leaves no lock, no mark and partial results marked incomplete',
    async (step) => {
      const campaignId = await submit({
        name: `fail after ${step}`,
        approval: step === 'approval' ? 'required' : 'auto',
      });
      if (step === 'approval') {
        await waitFor('awaiting approval', async () =>
          (await workflow(campaignId).progress())?.state === 'awaiting-approval' ? true : undefined,
        );
        await approvals().decide({ id: campaignId, verdict: 'approve', by: 'test' });
      }
      await expect(workflow(campaignId).workflowAttach()).rejects.toThrow(
        `injected failure after step ${step}`,
      );
      const progress = await workflow(campaignId).progress();
      expect(progress?.state).toBe('failed');
      expect(progress?.error).toBe(`injected failure after step ${step}`);
      await expectNothingHeld(campaignId);
      const report = await services.campaignReport(campaignId);
      expect(report?.state).toBe('failed');
      expect(report?.complete).toBe(false);
      expect(report?.audit.at(-1)).toMatchObject({ event: 'failed' });
      if (step === 'scanning') expect(report?.totals.targetsDone).toBe(8);
    },
  );

  it('runs two overlapping campaigns one after the other, the second queued at position 1', async () => {
    // 64 hosts x 40 ports at 800 probes/s: about 3 s of scanning.
    const first = await submit({
      name: 'first, holds 127.62.0.0/24',
      targets: '127.62.0.0/26',
      ports: '1-40',
      scope: '127.62.0.0/24',
      batchSize: 64,
      batchesInFlight: 1,
      ratePerSecond: 800,
    });
    await waitFor('first scanning', async () =>
      (await workflow(first).progress())?.state === 'scanning' ? true : undefined,
    );
    const second = await submit({
      name: 'second, overlaps with a /16',
      targets: '127.62.1.0/30',
      ports: '22',
      scope: '127.62.0.0/16',
    });
    // Disjoint scope: not held up by either.
    const disjoint = await submit({
      name: 'disjoint',
      scope: '127.63.0.0/24',
      targets: '127.63.0.1',
    });

    const queued = await waitFor('second queued', async () => {
      const progress = await workflow(second).progress();
      return progress?.state === 'queued' ? progress : undefined;
    });
    expect(queued.queue).toMatchObject({ position: 1, blockedBy: [first] });
    expect(queued.totals.targetsDone).toBe(0);
    expect((await workflow(disjoint).workflowAttach()).state).toBe('completed');
    // Inside the queued /16 but on a /24 nobody holds: granted at once, not queued behind it.
    const freeInside = await submit({
      name: 'free /24 inside the queued /16',
      scope: '127.62.5.0/24',
      targets: '127.62.5.1',
    });
    expect((await workflow(freeInside).workflowAttach()).state).toBe('completed');
    expect((await workflow(second).progress())?.state).toBe('queued');

    const status = await locks().status();
    expect(status.holders.map((holder) => holder.campaignId)).toEqual([first]);
    expect(status.queue).toEqual([
      expect.objectContaining({ campaignId: second, position: 1, networks: ['127.62.0.0/16'] }),
    ]);
    expect((await marks().list()).map((mark) => mark.campaignId)).toEqual([first]);
    expect((await workflow(first).progress())?.state).toBe('scanning');

    const firstFinal = await workflow(first).workflowAttach();
    const secondFinal = await workflow(second).workflowAttach();
    expect(firstFinal.state).toBe('completed');
    expect(secondFinal.state).toBe('completed');
    expect(secondFinal.queue).toBeUndefined();

    const audit = (await services.campaignReport(second))!.audit;
    expect(audit.map((entry) => entry.event)).toEqual([
      'queued',
      'scope locked',
      'scanning',
      'completed',
    ]);
    // The second only locked (and so scanned) after the first's last probe.
    const firstBatch = await services.campaignResults(first).batch(0);
    expect(audit[1]!.at >= firstBatch!.finishedAt).toBe(true);
    await expectNothingHeld(first);
    await expectNothingHeld(second);
    expect(await locks().status()).toEqual({ holders: [], queue: [] });
  });

  it('a campaign cancelled while queued leaves the queue; the holder releases on cancel', async () => {
    const holder = await submit({
      name: 'holder',
      targets: '127.62.0.0/26',
      ports: '1-100',
      scope: '127.62.0.0/24',
      batchSize: 16,
      batchesInFlight: 1,
      ratePerSecond: 800,
    });
    await waitFor('holder scanning', async () =>
      (await workflow(holder).progress())?.state === 'scanning' ? true : undefined,
    );
    const waiter = await submit({ name: 'waiter', targets: '127.62.0.9', scope: '127.62.0.0/28' });
    await waitFor('waiter queued', async () =>
      (await workflow(waiter).progress())?.state === 'queued' ? true : undefined,
    );
    expect(await workflow(waiter).cancel('not needed')).toEqual({ accepted: true });
    expect((await workflow(waiter).workflowAttach()).state).toBe('cancelled');
    await expectNothingHeld(waiter);

    expect(await workflow(holder).cancel('enough')).toEqual({ accepted: true });
    const final = await workflow(holder).workflowAttach();
    expect(final.state).toBe('cancelled');
    expect(final.totals.targetsDone).toBeLessThan(64);
    expect(final.batches.some((batch) => batch.state === 'running')).toBe(false);
    await expectNothingHeld(holder);
  });
});
