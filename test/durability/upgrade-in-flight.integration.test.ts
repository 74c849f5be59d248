import { readFileSync } from 'node:fs';
import * as restate from '@restatedev/restate-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { callOptions, connectSpectra } from '../../src/clients/service-clients.js';
import { servicesForDataDir } from '../../src/main/app-services.js';
import type { Host } from '../../src/main/host/host-runtime.js';
import { campaignWorkflow } from '../../src/services/campaigns/campaign-workflow.js';
import type { CampaignRequest } from '../../src/shared/campaign.js';
import type { CampaignSpec } from '../../src/shared/campaign-spec.js';
import { startTemporaryHost, temporaryDataDir, waitFor } from '../support/temporary-host.js';

/**
 * An upgrade with a campaign in flight: a host registered under one app
 * version starts a slow campaign and closes; the same data dir is started
 * under another version. The old run is pinned to the old deployment, so the
 * new host must stop it at start-up: the campaign ends `failed` with an audit
 * line naming both versions, its scope lock and scan marks are released, and
 * a new overlapping campaign runs. Addresses 127.66.x have no listeners:
 * probes are refused at once and `ratePerSecond` paces the scan. Without the
 * start-up stop, the old run retries forever with `[570 Journal mismatch]`
 * (checked by disabling it: this test then times out with 570s in host.log).
 */
const SLOW: CampaignRequest = {
  name: 'started before the upgrade',
  targets: '127.66.0.0/24',
  ports: '1-100',
  scope: '127.66.0.0/24',
  engine: 'builtin',
  connectTimeoutMs: 500,
  batchSize: 16,
  batchesInFlight: 1,
  ratePerSecond: 400,
};

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * The previous version's services: the same, except that its workflow
 * journals one more step before the current code's first one. Replayed by the
 * current code, that journal no longer matches (`[570 Journal mismatch]`), as
 * after a real upgrade that changed the workflow's steps.
 */
function previousVersionServices(dataDir: string) {
  const current = (
    campaignWorkflow as unknown as {
      workflow: Record<string, unknown> & {
        run: (context: restate.WorkflowContext, spec: CampaignSpec) => Promise<unknown>;
      };
    }
  ).workflow;
  const previousWorkflow = restate.workflow({
    name: campaignWorkflow.name,
    handlers: {
      ...current,
      run: async (context: restate.WorkflowContext, spec: CampaignSpec) => {
        await context.run('a step the new version no longer has', () => 'done');
        return current.run(context, spec);
      },
    },
  });
  return servicesForDataDir(dataDir).map((service) =>
    service.name === campaignWorkflow.name ? previousWorkflow : service,
  );
}

function api(host: Host) {
  return connectSpectra(host.ingress);
}

describe('upgrading with a campaign in flight', () => {
  it(
    'stops the old run at start-up: failed with the reason, locks released, nothing hangs',
    { timeout: 180_000 },
    async () => {
      const { dataDir, remove } = temporaryDataDir('spectra-upgrade-');
      cleanups.push(remove);

      const before = await startTemporaryHost({
        dataDir,
        appVersion: '1.0.0',
        services: previousVersionServices(dataDir),
      });
      cleanups.push(() => before.close());
      const { campaignId } = await api(before)
        .campaigns()
        .submit(SLOW, callOptions({ idempotencyKey: `upgrade-${Date.now()}` }));
      // A second one waits for an analyst's approval when the host closes.
      const { campaignId: waiting } = await api(before)
        .campaigns()
        .submit(
          {
            ...SLOW,
            name: 'waits for approval across the upgrade',
            targets: '127.66.1.1',
            scope: '127.66.1.0/24',
            approval: 'required',
            approvalTimeoutMs: 10 * 60_000,
          },
          callOptions({ idempotencyKey: `upgrade-waiting-${Date.now()}` }),
        );
      await waitFor(
        'the approval request',
        async () => (await api(before).campaignWorkflow(waiting).status()) === 'awaiting-approval',
      );
      await waitFor(
        'a batch done',
        async () =>
          ((await api(before).campaignWorkflow(campaignId).progress())?.totals.targetsDone ?? 0) >
          0,
        60_000,
      );
      expect((await api(before).scanMarks().list()).map((mark) => mark.campaignId)).toEqual([
        campaignId,
      ]);
      await before.close();

      const startedAt = Date.now();
      const after = await startTemporaryHost({
        dataDir,
        appVersion: '2.0.0',
        services: servicesForDataDir(dataDir),
      });
      cleanups.push(() => after.close());
      const client = api(after);

      const report = await waitFor(
        'the campaign recorded as failed',
        async () => {
          const current = await client.campaignReport(campaignId);
          return current?.state === 'failed' ? current : undefined;
        },
        10_000,
      );
      const stoppedSeconds = (Date.now() - startedAt) / 1000;
      expect(report.complete).toBe(false);
      expect(report.audit.at(-1)).toMatchObject({
        event: 'failed',
        detail: 'started by Spectra-Red 1.0.0; stopped on upgrade to 2.0.0: re-run it',
      });
      const progress = await client.campaignWorkflow(campaignId).progress();
      expect(progress).toMatchObject({
        state: 'failed',
        error: 'started by Spectra-Red 1.0.0; stopped on upgrade to 2.0.0: re-run it',
      });
      expect(await client.campaignWorkflow(campaignId).status()).toBe('failed');
      const listing = (await client.campaignIndex().list()).find(
        (entry) => entry.campaignId === campaignId,
      );
      expect(listing?.state).toBe('failed');
      expect(listing?.finishedAt).toBeDefined();
      expect(await client.scopeLocks().status()).toEqual({ holders: [], queue: [] });
      expect(await client.scanMarks().list()).toEqual([]);
      // The campaign waiting for approval is stopped too, its request withdrawn.
      await waitFor(
        'the waiting campaign failed',
        async () => (await client.campaignReport(waiting))?.state === 'failed',
        10_000,
      );
      expect(await client.campaignWorkflow(waiting).status()).toBe('failed');
      expect(await client.approvals().list()).toEqual([]);

      // The host said what it stopped and why, in its log.
      const hostLog = readFileSync(after.layout.hostLogFile, 'utf8');
      expect(hostLog).toContain('stopping an invocation of a previous app version');
      expect(hostLog).toContain('campaign stopped on upgrade');

      // No invocation of the old deployment is left running or retrying.
      const current = await after.admin.listDeployments();
      const newest = current.find((deployment) => deployment.uri?.includes('/v2.0.0-'));
      expect(newest).toBeDefined();
      const leftovers = await after.admin.query<{ id: string; status: string }>(
        `SELECT id, status FROM sys_invocation WHERE status != 'completed' AND pinned_deployment_id != '${newest!.id}'`,
      );
      expect(leftovers).toEqual([]);

      // The released scope takes a new overlapping campaign, which runs to the end.
      const { campaignId: rerun } = await client.campaigns().submit(
        {
          ...SLOW,
          name: 're-run after the upgrade',
          targets: '127.66.0.1-127.66.0.4',
          ports: '22',
          ratePerSecond: undefined,
        },
        callOptions({ idempotencyKey: `rerun-${Date.now()}` }),
      );
      const finished = await client.campaignWorkflow(rerun).workflowAttach();
      expect(finished.state).toBe('completed');
      expect(finished.totals.targetsDone).toBe(4);
      process.stdout.write(
        `[upgrade] campaign ${campaignId} stopped ${stoppedSeconds.toFixed(1)} s after the new host started\n`,
      );
    },
  );
});
