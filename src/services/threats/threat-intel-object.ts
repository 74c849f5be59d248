import * as restate from '@restatedev/restate-sdk';
import { z } from 'zod';
import { RecheckOutcome, type RecheckResult } from '../../shared/recheck.js';
import type { ThreatRecord } from '../../shared/threat.js';
import { ThreatSighting, TriageRequest } from '../../shared/threat.js';
import type { RecheckService } from '../rechecks/recheck-service.js';
import { INDEX_KEY } from '../../shared/service-contracts.js';
import { threatIndexObject } from './threat-index-object.js';
import {
  applyRecheckOutcome,
  applySightings,
  applyTriage,
  recheckDueAt,
  RecheckStale,
  recheckToSchedule,
  summarizeThreat,
  TriageRefused,
} from './threat-record.js';

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
      { input: restate.serde.schema(z.array(ThreatSighting)), ingressPrivate: true },
      async (
        context: restate.ObjectContext,
        sightings: ThreatSighting[],
      ): Promise<{ counted: number }> => {
        for (const sighting of sightings) {
          if (sighting.cve !== context.key) {
            throw new restate.TerminalError(
              `sighting of ${sighting.cve} sent to ThreatIntel/${context.key}`,
            );
          }
        }
        const existing = (await context.get<ThreatRecord>(RECORD)) ?? undefined;
        const { record, counted } = applySightings(existing, sightings);
        // A re-match can refresh the scoring (KEV, EPSS) of a record without a new sighting.
        if (record && record !== existing) {
          context.set(RECORD, record);
          await updateThreatsTable(context, record, await context.date.toJSON());
        }
        return { counted };
      },
    ),

    get: restate.handlers.object.shared(
      async (context: restate.ObjectSharedContext): Promise<ThreatRecord | null> =>
        (await context.get<ThreatRecord>(RECORD)) ?? null,
    ),

    /**
     * Sets the triage state and/or adds a note; each change is kept with its
     * time. Marking it remediated sends a delayed re-check (a message, so
     * this object is never blocked while it waits); any later state change
     * makes that re-check stale.
     */
    triage: restate.handlers.object.exclusive(
      { input: restate.serde.schema(TriageRequest) },
      async (context: restate.ObjectContext, request: TriageRequest): Promise<ThreatRecord> => {
        const record = await context.get<ThreatRecord>(RECORD);
        if (!record)
          throw new restate.TerminalError(
            `${context.key}: no threat record (never seen by a campaign)`,
            { errorCode: 404 },
          );
        const at = await context.date.toJSON();
        let next: ThreatRecord;
        try {
          next = applyTriage(record, request, at);
        } catch (error) {
          if (error instanceof TriageRefused)
            throw new restate.TerminalError(error.message, { errorCode: 409 });
          throw error;
        }
        context.set(RECORD, next);
        await updateThreatsTable(context, next, at);
        const recheck = recheckToSchedule(record, next);
        if (recheck) {
          context.serviceSendClient<RecheckService>({ name: 'Rechecks' }).run(
            { cve: context.key, generation: recheck.generation, trigger: 'scheduled' },
            restate.rpc.sendOpts({
              delay: recheck.afterMs,
              name: `re-check ${context.key} (generation ${recheck.generation}) at ${recheckDueAt(recheck)}`,
            }),
          );
        }
        return next;
      },
    ),

    /**
     * Applies a re-probe's verdict (from the Rechecks service) if it was
     * started under the current triage generation; otherwise changes nothing.
     */
    applyRecheck: restate.handlers.object.exclusive(
      { input: restate.serde.schema(RecheckOutcome), ingressPrivate: true },
      async (context: restate.ObjectContext, outcome: RecheckOutcome): Promise<RecheckResult> => {
        const record = await context.get<ThreatRecord>(RECORD);
        if (!record) return { cve: context.key, status: 'no-record' };
        let applied: ReturnType<typeof applyRecheckOutcome>;
        try {
          applied = applyRecheckOutcome(record, outcome);
        } catch (error) {
          if (error instanceof RecheckStale) {
            context.console.info(error.message);
            return { cve: context.key, status: 'stale', triageState: record.triage.state };
          }
          throw error;
        }
        context.set(RECORD, applied.record);
        await updateThreatsTable(context, applied.record, outcome.checkedAt);
        return {
          cve: context.key,
          status: 'applied',
          verdict: outcome.verdict,
          details: outcome.details,
          services: outcome.services,
          triageState: applied.record.triage.state,
          reopened: applied.reopened,
        };
      },
    ),
  },
});
export type ThreatIntelObject = typeof threatIntelObject;

/**
 * Writes the record's row of the threats table. A call, not a message: this
 * CVE's object is exclusive, so its rows arrive in order, and whoever waits
 * for ThreatIntel (a batch, a triage) finds the table already current.
 */
async function updateThreatsTable(
  context: restate.ObjectContext,
  record: ThreatRecord,
  at: string,
): Promise<void> {
  await context.objectClient(threatIndexObject, INDEX_KEY).upsert(summarizeThreat(record, at));
}
