import * as restate from '@restatedev/restate-sdk';
import { z } from 'zod';
import type { ThreatRecord} from '../../shared/threat.js';
import { ThreatSighting, TriageRequest } from '../../shared/threat.js';
import { threatIndexObject, THREAT_INDEX_KEY } from './threat-index-object.js';
import { applySighting, applyTriage, summarizeThreat, TriageRefused } from './threat-record.js';

const RECORD = 'record';

/**
 * One virtual object per CVE id ("CVE-2021-41773"): single writer per CVE,
 * concurrent readers through the shared `get`. Sightings are idempotent per
 * (campaign, host, port) so a replayed or retried step never counts twice.
 */
export const threatIntelObject = restate.object({
  name: 'ThreatIntel',
  handlers: {
    /** Adds the sightings of one batch (all for this CVE); returns how many were new. */
    record: restate.handlers.object.exclusive(
      { input: restate.serde.schema(z.array(ThreatSighting)) },
      async (
        context: restate.ObjectContext,
        sightings: ThreatSighting[],
      ): Promise<{ counted: number }> => {
        let record = (await context.get<ThreatRecord>(RECORD)) ?? undefined;
        let counted = 0;
        for (const sighting of sightings) {
          if (sighting.cve !== context.key) {
            throw new restate.TerminalError(
              `sighting of ${sighting.cve} sent to ThreatIntel/${context.key}`,
            );
          }
          const outcome = applySighting(record, sighting);
          record = outcome.record;
          if (outcome.counted) counted += 1;
        }
        if (record && counted > 0) {
          context.set(RECORD, record);
          context
            .objectSendClient(threatIndexObject, THREAT_INDEX_KEY)
            .upsert(summarizeThreat(record, await context.date.toJSON()));
        }
        return { counted };
      },
    ),

    get: restate.handlers.object.shared(
      async (context: restate.ObjectSharedContext): Promise<ThreatRecord | null> =>
        (await context.get<ThreatRecord>(RECORD)) ?? null,
    ),

    /** Sets the triage state and/or adds a note; each change is kept with its time. */
    triage: restate.handlers.object.exclusive(
      { input: restate.serde.schema(TriageRequest) },
      async (context: restate.ObjectContext, request: TriageRequest): Promise<ThreatRecord> => {
        const record = await context.get<ThreatRecord>(RECORD);
        if (!record)
          throw new restate.TerminalError(
            `${context.key}: no threat record (never seen by a campaign)`,
            { errorCode: 404 },
          );
        let next: ThreatRecord;
        try {
          next = applyTriage(record, request, await context.date.toJSON());
        } catch (error) {
          if (error instanceof TriageRefused)
            throw new restate.TerminalError(error.message, { errorCode: 409 });
          throw error;
        }
        context.set(RECORD, next);
        context
          .objectSendClient(threatIndexObject, THREAT_INDEX_KEY)
          .upsert(summarizeThreat(next, await context.date.toJSON()));
        return next;
      },
    ),
  },
});
export type ThreatIntelObject = typeof threatIntelObject;
