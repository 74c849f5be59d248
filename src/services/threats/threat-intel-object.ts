import * as restate from '@restatedev/restate-sdk';
import { z } from 'zod';
import { RecheckOutcome, type RecheckResult } from '../../shared/recheck.js';
import type { ThreatRecord, CveSightings, ThreatSighting } from '../../shared/threat.js';
import { ThreatSummary, TriageRequest, unpackSightings } from '../../shared/threat.js';
import type { RecheckService } from '../rechecks/recheck-service.js';
import { INDEX_KEY, SERVICE_NAMES } from '../../shared/service-contracts.js';
import { threatIndexObject } from './threat-index-object.js';
import {
  applyRecheckOutcome,
  applySightings,
  applyTriage,
  recheckDueAt,
  RecheckStale,
  recheckToSchedule,
  TriageRefused,
} from './threat-record.js';
import {
  readThreatRecordFor,
  readWholeThreatRecord,
  writeRecordHeader,
  writeSightings,
} from './threat-record-store.js';
import { trustedBulkInput } from '../trusted-input.js';

/**
 * One virtual object per CVE id ("CVE-2021-41773"): single writer per CVE,
 * concurrent readers through the shared `get`. Sightings are idempotent per
 * (campaign, host, port) so a replayed or retried step never counts twice.
 * Its state layout (a header, the affected services by network and the
 * update history in chunks) is threat-record-store.ts's business.
 */
export const threatIntelObject = restate.object({
  name: 'ThreatIntel',
  handlers: {
    /**
     * Adds the sightings of one batch (all for this CVE); returns how many
     * were new and, when the record changed, its threats-table row: the
     * caller writes the rows of all its CVEs in one ThreatIndex call
     * (recordThreatSightings) instead of one call per CVE queued on the index.
     */
    record: restate.handlers.object.exclusive(
      {
        input: trustedBulkInput<CveSightings | ThreatSighting[]>(),
        output: restate.serde.schema(
          z.object({ counted: z.number().int(), row: ThreatSummary.optional() }),
        ),
        ingressPrivate: true,
        // Reads the header and the networks of these sightings' hosts, not every affected host.
        enableLazyState: true,
      },
      async (
        context: restate.ObjectContext,
        sent: CveSightings | ThreatSighting[],
      ): Promise<{ counted: number; row?: ThreatSummary }> => {
        const sightings = unpackSightings(sent);
        for (const sighting of sightings) {
          if (sighting.cve !== context.key) {
            throw new restate.TerminalError(
              `sighting of ${sighting.cve} sent to ThreatIntel/${context.key}`,
            );
          }
        }
        const existing = await readThreatRecordFor(context, sightings);
        const { record, counted } = applySightings(existing?.record, sightings);
        if (!record || record === existing?.record) return { counted };
        const at = await context.date.toJSON();
        // A re-match can refresh the scoring (KEV, EPSS) of a record without a new sighting.
        if (counted === 0 && existing)
          return { counted, row: await writeRecordHeader(context, record, existing, at) };
        return { counted, row: await writeSightings(context, existing, record, at) };
      },
    ),

    get: restate.handlers.object.shared(
      async (context: restate.ObjectSharedContext): Promise<ThreatRecord | null> =>
        (await readWholeThreatRecord(context))?.record ?? null,
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
        const stored = await readWholeThreatRecord(context);
        if (!stored)
          throw new restate.TerminalError(
            `${context.key}: no threat record (never seen by a campaign)`,
            { errorCode: 404 },
          );
        const { record } = stored;
        const at = await context.date.toJSON();
        let next: ThreatRecord;
        try {
          next = applyTriage(record, request, at);
        } catch (error) {
          if (error instanceof TriageRefused)
            throw new restate.TerminalError(error.message, { errorCode: 409 });
          throw error;
        }
        await updateThreatsTable(context, await writeRecordHeader(context, next, stored, at));
        const recheck = recheckToSchedule(record, next);
        if (recheck) {
          context.serviceSendClient<RecheckService>({ name: SERVICE_NAMES.rechecks }).run(
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
        const stored = await readWholeThreatRecord(context);
        if (!stored) return { cve: context.key, status: 'no-record' };
        const { record } = stored;
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
        await updateThreatsTable(
          context,
          await writeRecordHeader(context, applied.record, stored, outcome.checkedAt),
        );
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
 * Writes the record's row of the threats table. A call, not a message: whoever
 * waits for ThreatIntel (a triage, a re-check) finds the table already current.
 */
async function updateThreatsTable(context: restate.ObjectContext, row: ThreatSummary) {
  await context.objectClient(threatIndexObject, INDEX_KEY).upsert(row);
}
