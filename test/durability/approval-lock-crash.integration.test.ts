import type { IngressTransport } from '../../src/main/host/ingress-transport.js';
import { callOptions, connectSpectra } from '../../src/clients/service-clients.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { CampaignRequest } from '../../src/shared/campaign.js';
import { isAlive, temporaryDataDir, waitFor } from '../support/temporary-host.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';

/**
 * Approvals and scope locks across crashes, against real `spectra serve`
 * processes: a pending approval (and its durable timer) survives a SIGKILL of
 * the services endpoint and of restate-server; a campaign killed mid-scan,
 * with another queued behind its lock, still runs its compensations when
 * cancelled after the restart, and the queued one then runs. Addresses
 * 127.64-127.65.x have no listeners, so probes are refused at once and
 * `ratePerSecond` paces the scan.
 */
const BASE: CampaignRequest = {
  name: 'crash',
  targets: '127.64.0.0/30',
  ports: '22',
  scope: '127.64.0.0/24',
  engine: 'builtin',
  connectTimeoutMs: 500,
};

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function api(transport: IngressTransport) {
  const services = connectSpectra(transport);
  return {
    submit: async (request: Partial<CampaignRequest>) =>
      (
        await services
          .campaigns()
          .submit(
            { ...BASE, ...request },
            callOptions({ idempotencyKey: `${request.name}-${Date.now()}` }),
          )
      ).campaignId,
    workflow: (campaignId: string) => services.campaignWorkflow(campaignId),
    approvals: services.approvals(),
    locks: services.scopeLocks(),
    marks: services.scanMarks(),
    report: (campaignId: string) => services.campaignReport(campaignId),
  };
}

async function stateOf(
  transport: IngressTransport,
  campaignId: string,
  wanted: string,
  timeoutMs = 30_000,
) {
  return waitFor(
    `${campaignId} ${wanted}`,
    async () => {
      // The ingress is briefly away while restate-server restarts.
      const progress = await Promise.resolve(api(transport).workflow(campaignId).progress()).catch(
        () => null,
      );
      return progress?.state === wanted ? progress : undefined;
    },
    timeoutMs,
  );
}

async function killServe(serve: ServeProcess) {
  const serverPid = serve.serverPid();
  serve.child.kill('SIGKILL');
  await serve.child;
  await waitFor('restate-server to die with its host', () => !isAlive(serverPid), 10_000);
}

describe('approvals and scope locks survive SIGKILL', () => {
  it(
    'a pending approval and its timer survive the endpoint and restate-server',
    { timeout: 240_000 },
    async () => {
      const { dataDir, remove } = temporaryDataDir();
      cleanups.push(remove);
      const first = await startServeProcess(dataDir);
      const waiting = await api(first.ingress).submit({
        name: 'waits for approval',
        approval: 'required',
        approvalTimeoutMs: 10 * 60_000,
      });
      const expiring = await api(first.ingress).submit({
        name: 'times out across a crash',
        approval: 'required',
        approvalTimeoutMs: 8_000,
        scope: '127.64.1.0/24',
        targets: '127.64.1.1',
      });
      const before = await stateOf(first.ingress, waiting, 'awaiting-approval');
      await stateOf(first.ingress, expiring, 'awaiting-approval');
      const killedAt = Date.now();
      await killServe(first);

      const second = await startServeProcess(dataDir);
      cleanups.push(() => second.stop());
      const client = api(second.ingress);
      const afterRestart = await stateOf(second.ingress, waiting, 'awaiting-approval');
      expect(afterRestart.approval).toEqual(before.approval);
      expect((await client.approvals.list()).map((approval) => approval.campaignId)).toContain(
        waiting,
      );

      const killedServer = second.serverPid();
      process.kill(killedServer, 'SIGKILL');
      await waitFor(
        'a new restate-server',
        () => second.serverPid() !== killedServer && isAlive(second.serverPid()),
        30_000,
      );
      await stateOf(second.ingress, waiting, 'awaiting-approval');

      // The 8 s timer, started before both kills, fires: rejected without a probe.
      const expired = await stateOf(second.ingress, expiring, 'rejected', 60_000);
      expect(expired.approval?.outcome?.outcome).toBe('timed-out');
      expect(expired.totals.targetsDone).toBe(0);
      process.stdout.write(
        `[approval crash] timer of 8 s fired ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the first kill\n`,
      );

      await client.approvals.decide({ id: waiting, verdict: 'approve', by: 'dana', note: 'ok' });
      const final = await client.workflow(waiting).workflowAttach();
      expect(final.state).toBe('completed');
      expect(final.totals.targetsDone).toBe(4);
      const audit = (await client.report(waiting))!.audit;
      expect(audit.map((entry) => entry.event)).toEqual([
        'approval requested',
        'approved',
        'scope locked',
        'scanning',
        'completed',
      ]);
      expect(await client.approvals.list()).toEqual([]);
      expect(await client.locks.status()).toEqual({ holders: [], queue: [] });
    },
  );

  it(
    'a campaign killed mid-scan still compensates, and the one queued behind it runs',
    { timeout: 240_000 },
    async () => {
      const { dataDir, remove } = temporaryDataDir();
      cleanups.push(remove);
      const first = await startServeProcess(dataDir);
      // 256 hosts x 100 ports at 800 probes/s: about 30 s, batches of 16 hosts.
      const holder = await api(first.ingress).submit({
        name: 'holder',
        targets: '127.65.0.0/24',
        ports: '1-100',
        scope: '127.65.0.0/24',
        batchSize: 16,
        batchesInFlight: 1,
        ratePerSecond: 800,
      });
      await stateOf(first.ingress, holder, 'scanning');
      const queued = await api(first.ingress).submit({
        name: 'queued behind',
        targets: '127.65.0.1-127.65.0.4',
        ports: '22',
        scope: '127.65.0.0/16',
      });
      const standing = await stateOf(first.ingress, queued, 'queued');
      expect(standing.queue).toMatchObject({ position: 1, blockedBy: [holder] });
      await waitFor(
        'a batch done',
        async () =>
          ((await api(first.ingress).workflow(holder).progress())?.totals.targetsDone ?? 0) > 0,
      );
      await killServe(first);

      const second = await startServeProcess(dataDir);
      cleanups.push(() => second.stop());
      const client = api(second.ingress);
      expect((await client.marks.list()).map((mark) => mark.campaignId)).toEqual([holder]);
      await stateOf(second.ingress, queued, 'queued');
      const resumed = await client.workflow(holder).progress();
      expect(resumed?.state).toBe('scanning');

      expect(await client.workflow(holder).cancel('stop after crash')).toEqual({ accepted: true });
      const cancelled = await client.workflow(holder).workflowAttach();
      expect(cancelled.state).toBe('cancelled');
      expect(cancelled.totals.targetsDone).toBeLessThan(256);

      const after = await client.workflow(queued).workflowAttach();
      expect(after.state).toBe('completed');
      expect(after.totals.targetsDone).toBe(4);
      const holderReport = (await client.report(holder))!;
      expect(holderReport.complete).toBe(false);
      expect((await client.report(queued))!.audit.map((entry) => entry.event)).toEqual([
        'queued',
        'scope locked',
        'scanning',
        'completed',
      ]);
      expect(await client.locks.status()).toEqual({ holders: [], queue: [] });
      expect(await client.marks.list()).toEqual([]);
    },
  );
});
