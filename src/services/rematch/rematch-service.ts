import { SERVICE_NAMES, INDEX_KEY } from '../../shared/service-contracts.js';
import * as restate from '@restatedev/restate-sdk';
import { RematchRequest, type RematchResult } from '../../shared/rematch.js';
import type { Observation } from '../../shared/observation.js';
import { campaignIndexObject } from '../campaigns/campaign-index-object.js';
import { campaignResultsObject } from '../campaigns/campaign-results-object.js';
import { recordThreatSightings } from '../threats/record-sightings.js';
import {
  matchWithCurrentKnowledge,
  type LoadKnowledge,
} from '../vulnerabilities/knowledge-matching.js';

/**
 * Matches the services campaigns already found against the knowledge as it
 * is now, without probing anything: importing today's feed lights up last
 * month's scans. Sightings go to the ThreatIntel objects like a scan's, so
 * a service already counted for a campaign is not counted again (its
 * scoring, KEV and EPSS are refreshed), and a CVE the new feed adds gets
 * its record.
 */
export function createRematchService(loadKnowledge: LoadKnowledge) {
  return restate.service({
    name: SERVICE_NAMES.rematch,
    handlers: {
      run: restate.handlers.handler(
        { input: restate.serde.schema(RematchRequest) },
        async (context: restate.Context, request: RematchRequest): Promise<RematchResult> => {
          const campaignIds = request.campaignId
            ? [request.campaignId]
            : (await context.objectClient(campaignIndexObject, INDEX_KEY).list()).map(
                (listing) => listing.campaignId,
              );
          const cves = new Set<string>();
          let services = 0;
          let findingCount = 0;
          for (const campaignId of campaignIds) {
            const results = context.objectClient(campaignResultsObject, campaignId);
            const observations: Observation[] = [];
            // Batches are stored under consecutive indices; the first missing one ends the campaign's results.
            for (let index = 0; ; index += 1) {
              const batch = await results.batch(index);
              if (!batch) break;
              observations.push(...batch.observations);
            }
            if (request.campaignId && observations.length === 0) {
              if (!(await results.outline())) {
                throw new restate.TerminalError(`no campaign ${campaignId}`, { errorCode: 404 });
              }
            }
            services += observations.length;
            const findings = await matchWithCurrentKnowledge(
              context,
              `match ${observations.length} services of campaign ${campaignId} against current knowledge`,
              loadKnowledge,
              observations,
            );
            findingCount += findings.length;
            for (const cve of await recordThreatSightings(context, campaignId, findings))
              cves.add(cve);
          }
          return {
            campaigns: campaignIds.length,
            services,
            findings: findingCount,
            cves: [...cves].sort(),
          };
        },
      ),
    },
  });
}
export type RematchService = ReturnType<typeof createRematchService>;
