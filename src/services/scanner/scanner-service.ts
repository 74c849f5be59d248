import { SERVICE_NAMES } from '../../shared/service-contracts.js';
import * as restate from '@restatedev/restate-sdk';
import { BatchJob, type BatchResult, type BatchSummary } from '../../shared/campaign.js';
import { summarizeBatch } from '../../shared/campaign-totals.js';
import type { EngineResult } from '../../shared/observation.js';
import { parsePorts } from '../../shared/port-spec.js';
import type { CampaignWorkflow } from '../campaigns/campaign-workflow.js';
import { campaignResultsObject } from '../campaigns/campaign-results-object.js';
import { recordBatchSightings } from '../threats/record-sightings.js';
import { packFindings } from '../../shared/packed-findings.js';
import { matchObservations } from '../vulnerabilities/vulnerability-matcher.js';
import type { KnowledgeBase } from '../vulnerabilities/knowledge-base.js';
import { chooseEngine, PROBE_RETRY_POLICY, runEngine } from './batch-scan.js';
import { boundEngineResult, boundFindings, type Bounded } from './batch-bounds.js';
import { liveBatchProgress } from './live-batch-progress.js';

/**
 * Scans one batch of a campaign: read its window of the campaign spec, probe
 * with the chosen engine, match the knowledge, record threats and store the
 * batch result (bounded in size: see batch-bounds.ts).
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
          // Which process scanned what, in its log (a cluster worker's too): the SDK's own
          // per-invocation lines are below the log's level (hostLogLevel). Not on a replay.
          context.console.info(
            `scanning batch ${job.index} of ${job.campaignId} (${job.count} targets, ${job.engine})`,
          );
          // The window is read from the spec the workflow keeps (written once), never the request.
          const window = await context
            .workflowClient<CampaignWorkflow>(
              { name: SERVICE_NAMES.campaignWorkflow },
              job.campaignId,
            )
            .batchWindow({ offset: job.offset, count: job.count });
          const ports = parsePorts(window.ports);
          if (!ports.ok)
            throw new restate.TerminalError(`invalid batch: ports ${window.ports} do not parse`, {
              errorCode: 400,
            });
          const startedAt = await context.date.toJSON();
          const { addresses } = window;
          const label =
            addresses.length === 0
              ? `batch ${job.index}`
              : `${addresses[0]}${addresses.length > 1 ? ` … ${addresses[addresses.length - 1]}` : ''}`;
          const refusal = addresses
            .map((address) => placement.refuseAddress?.(address))
            .find((reason) => reason !== undefined);
          if (refusal) throw new restate.TerminalError(refusal, { errorCode: 403 });
          const engine = placement.chooseEngineHere
            ? await context.run(
                'choose engine on this worker',
                () => chooseEngine(job.engine),
                // nmap chosen where it is not installed: the batch fails, with why.
                { maxRetryAttempts: 1 },
              )
            : job.engine;
          const base = {
            index: job.index,
            engine,
            targets: window.targets,
            skipped: window.skipped,
          };
          const results = context.objectClient(campaignResultsObject, job.campaignId);
          // Live, not journaled: hosts done while the probe step runs, for the progress bars.
          const reportHostsDone = (hostsDone: number): void =>
            liveBatchProgress.report(job.campaignId, job.index, hostsDone, addresses.length);

          let probed: Bounded<EngineResult>;
          try {
            probed = await context.run(
              `probe ${label} (${addresses.length} hosts x ${ports.value.length} ports, ${engine})`,
              async () =>
                // Bounded inside the step: the journal entry itself never exceeds the cap.
                boundEngineResult(
                  await runEngine({
                    engine,
                    addresses,
                    ports: ports.value,
                    hostnames: window.hostnames,
                    ...window.probe,
                    onProgress: (progress) => reportHostsDone(progress.hostsDone),
                  }),
                ),
              PROBE_RETRY_POLICY,
            );
          } catch (error) {
            if (
              !(error instanceof restate.TerminalError) ||
              error instanceof restate.CancelledError
            )
              throw error;
            liveBatchProgress.end(job.campaignId, job.index);
            const failed: BatchResult = {
              ...base,
              state: 'failed',
              hosts: [],
              observations: [],
              findings: packFindings([]),
              startedAt,
              finishedAt: await context.date.toJSON(),
              error: error.message,
            };
            await results.storeBatch(failed);
            return summarizeBatch(failed);
          }
          const engineResult = probed.value;
          // Also after a replay, when the step's result came from the journal.
          reportHostsDone(addresses.length);

          const matched = await context.run(
            `match vulnerabilities of batch ${job.index}`,
            async () => {
              const bounded = boundFindings(
                matchObservations(engineResult.observations, (await loadKnowledge()).index),
              );
              // Packed from here on: the journal entry, the stored result and the sightings.
              return { ...bounded, value: packFindings(bounded.value) };
            },
          );
          const findings = matched.value;
          const cuts = [probed.cut, matched.cut].filter(Boolean);

          const result: BatchResult = {
            ...base,
            state: 'done',
            hosts: engineResult.hosts,
            observations: engineResult.observations,
            findings,
            startedAt: engineResult.startedAt,
            finishedAt: engineResult.finishedAt,
            ...(cuts.length > 0 && { error: cuts.join('; ') }),
          };
          // The report, the Hosts page and the threats table have the batch before it
          // counts as done. They are independent, so the result is sent first and stored
          // while the sightings are recorded; it is awaited after them, one await at a
          // time (two awaits pending at once fail the attempt: "awaitNext already pending").
          const stored = results.storeBatch(result);
          await recordBatchSightings(context, job.campaignId, result);
          await stored;
          liveBatchProgress.end(job.campaignId, job.index);
          return summarizeBatch(result);
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
