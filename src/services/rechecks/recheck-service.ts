import * as restate from '@restatedev/restate-sdk';
import type { Observation } from '../../shared/observation.js';
import { RecheckRequest, type RecheckResult } from '../../shared/recheck.js';
import { PROBE_RETRY_POLICY, runEngine } from '../scanner/batch-scan.js';
import { threatIntelObject } from '../threats/threat-intel-object.js';
import { triageGeneration } from '../threats/threat-record.js';
import {
  matchWithCurrentKnowledge,
  type LoadKnowledge,
} from '../vulnerabilities/knowledge-matching.js';
import { assessRecheck, planProbeSteps, recheckTargets } from './recheck-assessment.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 1_000;

/**
 * Re-probes the affected services of one threat with the built-in engine
 * (only their ports) and hands the verdict to the threat's ThreatIntel
 * object. Stateless on purpose: the object is never blocked while sockets
 * are open, and reads the record through its shared `get`.
 */
export function createRecheckService(
  loadKnowledge: LoadKnowledge,
  placement: { refuseAddress?: (address: string) => string | undefined } = {},
) {
  return restate.service({
    name: 'Rechecks',
    handlers: {
      run: restate.handlers.handler(
        { input: restate.serde.schema(RecheckRequest) },
        async (context: restate.Context, request: RecheckRequest): Promise<RecheckResult> => {
          const trigger = request.trigger ?? 'manual';
          const threat = context.objectClient(threatIntelObject, request.cve);
          const record = await threat.get();
          if (!record) {
            if (trigger === 'manual') {
              throw new restate.TerminalError(
                `${request.cve}: no threat record (never seen by a campaign)`,
                { errorCode: 404 },
              );
            }
            return { cve: request.cve, status: 'no-record' };
          }
          const generation = request.generation ?? triageGeneration(record);
          if (generation !== triageGeneration(record)) {
            context.console.info(
              `${request.cve}: re-check of generation ${generation} skipped, triage is at ${triageGeneration(record)}`,
            );
            return { cve: request.cve, status: 'stale', triageState: record.triage.state };
          }

          const targets = recheckTargets(record);
          const observations: Observation[] = [];
          const refusal = targets
            .map((target) => placement.refuseAddress?.(target.host))
            .find((reason) => reason !== undefined);
          if (refusal) throw new restate.TerminalError(refusal, { errorCode: 403 });
          for (const step of planProbeSteps(targets)) {
            const result = await context.run(
              step.name,
              () =>
                runEngine({
                  engine: 'builtin',
                  addresses: step.hosts,
                  ports: step.ports,
                  hostnames: {},
                  connectTimeoutMs: request.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
                }),
              PROBE_RETRY_POLICY,
            );
            observations.push(...result.observations);
          }
          const findings = (
            await matchWithCurrentKnowledge(
              context,
              `match ${request.cve} against the re-probed services`,
              loadKnowledge,
              observations,
            )
          ).filter((finding) => finding.cve === request.cve);
          const outcome = assessRecheck({
            cve: request.cve,
            generation,
            trigger,
            checkedAt: await context.date.toJSON(),
            targets,
            observations,
            findings,
          });
          return threat.applyRecheck(outcome);
        },
      ),
    },
  });
}
export type RecheckService = ReturnType<typeof createRecheckService>;
