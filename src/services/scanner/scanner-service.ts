import { isIP } from 'node:net';
import * as restate from '@restatedev/restate-sdk';
import {
  BatchJob,
  emptySeverityCounts,
  type BatchResult,
  type BatchSummary,
} from '../../shared/campaign.js';
import type { EngineResult } from '../../shared/observation.js';
import { parsePorts } from '../../shared/port-spec.js';
import { parseScope } from '../../shared/scope.js';
import type { ThreatSighting } from '../../shared/threat.js';
import { parseTargets, sliceTargets } from '../../shared/target-spec.js';
import type { Finding } from '../../shared/vulnerability.js';
import { campaignResultsObject } from '../campaigns/campaign-results-object.js';
import { threatIntelObject } from '../threats/threat-intel-object.js';
import { matchObservations } from '../vulnerabilities/vulnerability-matcher.js';
import type { KnowledgeBase } from '../vulnerabilities/knowledge-base.js';
import {
  chooseEngine,
  PROBE_RETRY_POLICY,
  resolveTargets,
  runEngine,
  type ResolvedTargets,
} from './batch-scan.js';

/**
 * Scans one batch of a campaign: resolve its hostnames, probe with the chosen
 * engine, match the knowledge, record threats and store the batch result.
 * Stateless; each side effect is its own named journal step, so a crash
 * replays finished steps and re-runs only the one in flight.
 */
export function createScannerService(
  loadKnowledge: () => Promise<KnowledgeBase>,
  placement: ScannerPlacement = {},
) {
  return restate.service({
    name: placement.serviceName ?? 'Scanner',
    handlers: {
      scanBatch: restate.handlers.handler(
        { input: restate.serde.schema(BatchJob), ingressPrivate: true },
        async (context: restate.Context, job: BatchJob): Promise<BatchSummary> => {
          const { request } = job;
          const targetSet = parseTargets(request.targets, request.exclusions ?? '', {
            maxHosts: request.maxHosts ?? undefined,
          });
          const ports = parsePorts(request.ports);
          const scope = parseScope(request.scope);
          if (!targetSet.ok || !ports.ok || !scope.ok) {
            // The workflow validated this already; reaching here means a bad direct call.
            throw new restate.TerminalError('invalid batch: targets, ports or scope do not parse', {
              errorCode: 400,
            });
          }
          const targets = sliceTargets(targetSet.value, job.offset, job.count);
          const startedAt = await context.date.toJSON();
          const label = `${targets[0]}${targets.length > 1 ? ` … ${targets[targets.length - 1]}` : ''}`;

          const hasHostnames = targets.some((target) => isIP(target) === 0);
          const resolved: ResolvedTargets = hasHostnames
            ? await context.run(`resolve hostnames of batch ${job.index}`, () =>
                resolveTargets(targets, scope.value),
              )
            : { addresses: targets, hostnames: {}, skipped: [] };

          const refusal = resolved.addresses
            .map((address) => placement.refuseAddress?.(address))
            .find((reason) => reason !== undefined);
          if (refusal) throw new restate.TerminalError(refusal, { errorCode: 403 });
          const engine = placement.chooseEngineHere
            ? await context.run(
                'choose engine on this worker',
                () => chooseEngine(request.engine),
                // nmap requested where it is not installed: the batch fails, with why.
                { maxRetryAttempts: 1 },
              )
            : job.engine;

          let engineResult: EngineResult;
          try {
            engineResult = await context.run(
              `probe ${label} (${resolved.addresses.length} hosts x ${ports.value.length} ports, ${engine})`,
              () =>
                runEngine({
                  engine,
                  addresses: resolved.addresses,
                  ports: ports.value,
                  hostnames: resolved.hostnames,
                  serviceDetection: request.serviceDetection,
                  connectTimeoutMs: request.connectTimeoutMs,
                  ratePerSecond: request.ratePerSecond,
                }),
              PROBE_RETRY_POLICY,
            );
          } catch (error) {
            if (
              !(error instanceof restate.TerminalError) ||
              error instanceof restate.CancelledError
            )
              throw error;
            const failed: BatchResult = {
              index: job.index,
              state: 'failed',
              engine,
              hosts: [],
              observations: [],
              findings: [],
              skipped: resolved.skipped,
              startedAt,
              finishedAt: await context.date.toJSON(),
              error: error.message,
            };
            await context.objectClient(campaignResultsObject, job.campaignId).storeBatch(failed);
            return summarize(failed, targets.length);
          }

          const findings = await context.run(
            `match vulnerabilities of batch ${job.index}`,
            async () => matchObservations(engineResult.observations, (await loadKnowledge()).index),
          );

          const result: BatchResult = {
            index: job.index,
            state: 'done',
            engine,
            hosts: engineResult.hosts,
            observations: engineResult.observations,
            findings,
            skipped: resolved.skipped,
            startedAt: engineResult.startedAt,
            finishedAt: engineResult.finishedAt,
          };
          await context.objectClient(campaignResultsObject, job.campaignId).storeBatch(result);

          // One call per CVE per batch; the idempotency key makes a re-sent batch a no-op.
          for (const [cve, sightings] of groupByCve(job.campaignId, findings)) {
            context
              .objectSendClient(threatIntelObject, cve)
              .record(
                sightings,
                restate.rpc.sendOpts({ idempotencyKey: `${job.campaignId}/${job.index}/${cve}` }),
              );
          }
          return summarize(result, targets.length);
        },
      ),
    },
  });
}
export type ScannerService = ReturnType<typeof createScannerService>;

/** Where a Scanner runs: the local host (defaults) or a worker of a site (src/main/cluster). */
export interface ScannerPlacement {
  /** A site's workers serve the Scanner under the site's own name (see siteScannerName). */
  serviceName?: string;
  /** Why a worker must not probe `address` (outside its site's networks), or undefined. */
  refuseAddress?: (address: string) => string | undefined;
  /** Detect nmap on the machine that probes instead of trusting the workflow's choice. */
  chooseEngineHere?: boolean;
}

function groupByCve(
  campaignId: string,
  findings: readonly Finding[],
): Map<string, ThreatSighting[]> {
  const groups = new Map<string, ThreatSighting[]>();
  for (const finding of findings) {
    const sighting: ThreatSighting = { campaignId, ...finding };
    const group = groups.get(finding.cve);
    if (group) group.push(sighting);
    else groups.set(finding.cve, [sighting]);
  }
  return groups;
}

function summarize(result: BatchResult, targets: number): BatchSummary {
  const findings = emptySeverityCounts();
  for (const finding of result.findings) findings[finding.severity] += 1;
  return {
    index: result.index,
    state: result.state,
    targets,
    hostsUp: result.hosts.filter((host) => host.reachable).length,
    openPorts: result.observations.length,
    findings,
    error: result.error,
  };
}
