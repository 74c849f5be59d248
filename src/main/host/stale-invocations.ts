import { connectSpectra } from '../../clients/service-clients.js';
import { SERVICE_NAMES } from '../../shared/service-contracts.js';
import type { IngressTransport } from './ingress-transport.js';
import type { DeploymentSummary, RestateAdminClient } from './restate-admin-client.js';
import type { StructuredLogger } from './structured-logger.js';

/**
 * Upgrades with campaigns in flight. Restate pins every invocation to the
 * deployment it started on; after an upgrade that deployment points at the new
 * code, whose journal no longer matches ("[570 Journal mismatch]"), so the old
 * invocation would retry forever, its campaign stuck `scanning` and its scope
 * lock held. The policy: refuse to continue old runs, cleanly. Every
 * unfinished invocation pinned to a deployment other than the one just
 * registered is killed; for each campaign workflow among them the saga's
 * compensations run through `CampaignResults.stopOnUpgrade` (locks released,
 * scan marks cleared, approval withdrawn) and the campaign is recorded as
 * failed with the reason.
 */
export interface StaleInvocation {
  id: string;
  service: string;
  handler: string;
  key: string | null;
  /** The app version that deployment was registered under (from its `/v<version>-<fingerprint>/` path). */
  fromVersion: string;
}

/** `/v1.2.3-ab12cd34ef/` -> `1.2.3`; anything else (a foreign deployment) -> its path. */
export function versionOfDeploymentUri(uri: string | null | undefined): string {
  if (!uri) return 'an unknown version';
  const path = new URL(uri).pathname;
  const match = /^\/v(.+)-[0-9a-f]{10}\/?$/.exec(path);
  return match ? match[1]! : path;
}

/**
 * `earlierDeployments`: the deployments as listed before this start registered
 * its own (the host lists them once); a re-pointed one keeps its path, hence
 * its version.
 */
export async function findStaleInvocations(
  admin: RestateAdminClient,
  currentDeploymentId: string,
  earlierDeployments: DeploymentSummary[],
): Promise<StaleInvocation[]> {
  const deployments = new Map(
    earlierDeployments.map((deployment) => [deployment.id, deployment.uri]),
  );
  const rows = await queryWithRetry(() =>
    admin.query<{
      id: string;
      target_service_name: string;
      target_handler_name: string;
      target_service_key: string | null;
      pinned_deployment_id: string | null;
    }>(
      'SELECT id, target_service_name, target_handler_name, target_service_key, pinned_deployment_id ' +
        "FROM sys_invocation WHERE status != 'completed' AND pinned_deployment_id IS NOT NULL " +
        `AND pinned_deployment_id != '${currentDeploymentId.replace(/'/g, "''")}'`,
    ),
  );
  return rows.map((row) => ({
    id: row.id,
    service: row.target_service_name,
    handler: row.target_handler_name,
    key: row.target_service_key,
    fromVersion: versionOfDeploymentUri(deployments.get(row.pinned_deployment_id!)),
  }));
}

/** How long start-up queries are retried (stale and paused invocations). */
const QUERY_RETRY_MS = 15_000;

/**
 * Right after a restart on an existing data dir the query engine can briefly
 * route to the previous server generation although the server answered
 * readiness: retry for a moment before giving up.
 */
export async function queryWithRetry<T>(query: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + QUERY_RETRY_MS;
  for (;;) {
    try {
      return await query();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Kills the stale invocations, then records each stopped campaign; returns the campaign ids. */
export async function stopStaleInvocations(options: {
  admin: RestateAdminClient;
  ingress: IngressTransport;
  currentDeploymentId: string;
  earlierDeployments: DeploymentSummary[];
  appVersion: string;
  logger: StructuredLogger;
}): Promise<string[]> {
  const { admin, logger } = options;
  const stale = await findStaleInvocations(
    admin,
    options.currentDeploymentId,
    options.earlierDeployments,
  );
  // Killed first, recorded second: a run still making progress on the old code
  // (same journal) must not overwrite the failed state recorded below.
  for (const invocation of stale) {
    logger.warn('stopping an invocation of a previous app version', {
      invocationId: invocation.id,
      service: invocation.service,
      handler: invocation.handler,
      key: invocation.key,
      fromVersion: invocation.fromVersion,
    });
    // Kill, not cancel: cancelling runs the old code's handlers, whose journals no longer match.
    await admin
      .killInvocation(invocation.id)
      .catch((error) => logger.warn('could not kill', { invocationId: invocation.id, error }));
  }
  const campaigns = stale.filter(
    (invocation) =>
      invocation.service === SERVICE_NAMES.campaignWorkflow &&
      invocation.handler === 'run' &&
      invocation.key,
  );
  const services = connectSpectra(options.ingress);
  const stopped: string[] = [];
  for (const campaign of campaigns) {
    const campaignId = campaign.key!;
    try {
      const stop = { fromVersion: campaign.fromVersion, toVersion: options.appVersion };
      // The workflow's own view first (what the UI polls), then report, index and compensations.
      await services.campaignWorkflow(campaignId).stopOnUpgrade(stop);
      await services.campaignResults(campaignId).stopOnUpgrade(stop);
      stopped.push(campaignId);
      logger.warn('campaign stopped on upgrade', {
        campaignId,
        fromVersion: campaign.fromVersion,
        toVersion: options.appVersion,
      });
    } catch (error) {
      logger.error('could not record the campaign stopped on upgrade', { campaignId, error });
    }
  }
  return stopped;
}
