import { connectSpectra, type SpectraClients } from '../../clients/service-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignRequest } from '../../shared/campaign.js';
import { generateLab, startLoopbackLab, type LoopbackLab } from '../../../test/lab/loopback-lab.js';
import { startTemporaryAppHost, waitFor } from '../../../test/support/temporary-host.js';
import type { Host } from '../../main/host/host-runtime.js';

/**
 * Approvals against a real host and a small loopback lab on 127.60.0.0/29:
 * a flagged campaign waits, visible in its progress and in the Approvals
 * registry; approving runs it once; rejecting or timing out ends it without a
 * single probe; late, repeated or unknown decisions are refused.
 */
const LAB = generateLab({ base: '127.60.0.0', hostCount: 4, openPortsPerHost: 1 });
const REQUEST: CampaignRequest = {
  name: 'approval',
  targets: '127.60.0.0/30',
  ports: '21,22,25,80,8080',
  scope: '127.60.0.0/24 sensitive',
  engine: 'builtin',
  connectTimeoutMs: 500,
};

let lab: LoopbackLab;
let host: Host & { dispose: () => Promise<void> };
let services: SpectraClients;

beforeAll(async () => {
  lab = await startLoopbackLab(LAB, { waitForAddressMs: 10_000 });
  host = await startTemporaryAppHost();
  services = connectSpectra(host.ingress);
});

afterAll(async () => {
  await host?.dispose();
  await lab?.close();
});

const approvals = () => services.approvals();
const workflow = (campaignId: string) => services.campaignWorkflow(campaignId);
const report = (campaignId: string) => services.campaignReport(campaignId);

async function submit(request: Partial<CampaignRequest>): Promise<string> {
  const submitted = await services.campaigns().submit({ ...REQUEST, ...request });
  return submitted.campaignId;
}

async function awaitingApproval(campaignId: string) {
  return waitFor(`${campaignId} awaiting approval`, async () => {
    const progress = await workflow(campaignId).progress();
    return progress?.state === 'awaiting-approval' ? progress : undefined;
  });
}

describe('campaign approvals', () => {
  it('waits for approval of a sensitive scope, then runs once when approved', async () => {
    lab.resetLog();
    const campaignId = await submit({ name: 'sensitive, approved' });
    const progress = await awaitingApproval(campaignId);
    expect(progress.approval?.reasons.map((reason) => reason.code)).toEqual(['sensitive']);
    const requested = Date.parse(progress.approval!.requestedAt);
    expect(Date.parse(progress.approval!.expiresAt) - requested).toBe(24 * 3600_000);

    const pending = await approvals().list();
    const entry = pending.find((approval) => approval.campaignId === campaignId);
    expect(entry).toMatchObject({ name: 'sensitive, approved', id: progress.approval!.id });
    expect(lab.connectionLog).toHaveLength(0);

    const outcome = await approvals().decide({
      id: campaignId,
      verdict: 'approve',
      note: 'lab window 14:00-15:00',
      by: 'alice',
    });
    expect(outcome).toMatchObject({ outcome: 'approved', by: 'alice', campaignId });
    await expect(
      approvals().decide({ id: entry!.id, verdict: 'approve', by: 'bob' }),
    ).rejects.toThrow(/already approved by alice/);
    await expect(approvals().decide({ id: campaignId, verdict: 'reject' })).rejects.toThrow(
      /already approved/,
    );

    const final = await workflow(campaignId).workflowAttach();
    expect(final.state).toBe('completed');
    expect(final.approval?.outcome).toMatchObject({ outcome: 'approved', by: 'alice' });
    expect(lab.connectionLog.length).toBeGreaterThan(0);
    const audit = (await report(campaignId))!.audit;
    expect(audit.map((entry) => entry.event)).toEqual([
      'approval requested',
      'approved',
      'scope locked',
      'scanning',
      'completed',
    ]);
    expect(audit[1]).toMatchObject({ actor: 'alice', detail: 'lab window 14:00-15:00' });
    expect((await approvals().list()).some((a) => a.campaignId === campaignId)).toBe(false);
  });

  it('ends as rejected without touching the network when rejected', async () => {
    lab.resetLog();
    const campaignId = await submit({ name: 'rejected', approval: 'required' });
    const progress = await awaitingApproval(campaignId);
    expect(progress.approval?.reasons[0]?.code).toBe('required');
    await approvals().decide({ id: campaignId, verdict: 'reject', note: 'not today', by: 'carol' });
    const final = await workflow(campaignId).workflowAttach();
    expect(final.state).toBe('rejected');
    expect(final.totals.targetsDone).toBe(0);
    expect(lab.connectionLog).toHaveLength(0);
    const finished = (await report(campaignId))!;
    expect(finished.complete).toBe(false);
    expect(finished.audit.at(-1)).toMatchObject({
      event: 'rejected',
      actor: 'carol',
      detail: 'not today',
    });
  });

  it('ends as rejected by timeout and refuses a decision after it', async () => {
    lab.resetLog();
    const started = Date.now();
    const campaignId = await submit({ name: 'times out', approvalTimeoutMs: 1500 });
    await awaitingApproval(campaignId);
    const final = await workflow(campaignId).workflowAttach();
    expect(final.state).toBe('rejected');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(final.approval?.outcome?.outcome).toBe('timed-out');
    expect(lab.connectionLog).toHaveLength(0);
    expect((await report(campaignId))!.audit.at(-1)?.event).toBe('approval timed out');
    await expect(approvals().decide({ id: campaignId, verdict: 'approve' })).rejects.toThrow(
      /timed out/,
    );
  });

  it('withdraws the approval when the campaign is cancelled while it waits', async () => {
    const campaignId = await submit({ name: 'cancelled while waiting', approval: 'required' });
    await awaitingApproval(campaignId);
    expect(await workflow(campaignId).cancel('changed my mind')).toEqual({ accepted: true });
    const final = await workflow(campaignId).workflowAttach();
    expect(final.state).toBe('cancelled');
    expect((await approvals().list()).some((a) => a.campaignId === campaignId)).toBe(false);
    await expect(approvals().decide({ id: campaignId, verdict: 'approve' })).rejects.toThrow(
      /withdrawn/,
    );
  });

  it('refuses an unknown id, and "never" for a flagged campaign before anything starts', async () => {
    await expect(approvals().decide({ id: 'c-000000000000', verdict: 'approve' })).rejects.toThrow(
      /no pending approval c-000000000000 /,
    );
    await expect(submit({ name: 'never', approval: 'never' })).rejects.toThrow(
      /mode never refused, this campaign needs approval: sensitive networks/,
    );
    // Not flagged: `never` simply runs.
    const campaignId = await submit({
      name: 'never, plain',
      approval: 'never',
      scope: '127.60.0.0/24',
    });
    expect((await workflow(campaignId).workflowAttach()).state).toBe('completed');
    const locks = await services.scopeLocks().status();
    expect(locks).toEqual({ holders: [], queue: [] });
    expect(await services.scanMarks().list()).toEqual([]);
  });

  describe('sees through hostnames (issue 16 item 5)', () => {
    it('asks when a hostname resolves into a sensitive network, like its address', async () => {
      const byAddress = await submit({
        name: 'sensitive by address',
        targets: '127.0.0.1',
        ports: '9',
        scope: '127.0.0.1/32 sensitive',
      });
      const byName = await submit({
        name: 'sensitive by name',
        targets: 'localhost',
        ports: '9',
        scope: '127.0.0.1/32 sensitive',
      });
      for (const campaignId of [byAddress, byName]) {
        const progress = await awaitingApproval(campaignId);
        expect(progress.approval?.reasons.map((reason) => reason.code)).toEqual(['sensitive']);
        await approvals().decide({ id: campaignId, verdict: 'reject', by: 'test', note: 'no' });
        expect((await workflow(campaignId).workflowAttach()).state).toBe('rejected');
      }
      const named = await workflow(byName).progress();
      expect(named?.approval?.reasons[0]?.message).toContain('localhost (127.0.0.1)');
    });

    it('excludes an excluded address whatever name reaches it', async () => {
      const campaignId = await submit({
        name: 'excluded by address',
        targets: 'localhost',
        exclusions: '127.0.0.1',
        ports: '9',
        scope: '127.0.0.1/32',
      });
      const final = await workflow(campaignId).workflowAttach();
      expect(final.state).toBe('completed');
      const result = (await report(campaignId))!;
      expect(result.skipped).toEqual([
        { target: 'localhost', reason: 'resolves to 127.0.0.1, excluded' },
      ]);
      expect(result.totals).toMatchObject({ targets: 1, targetsDone: 1, hostsUp: 0 });
    });
  });
});
