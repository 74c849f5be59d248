import * as restate from '@restatedev/restate-sdk';
import { readStateEntries } from '../state-entries.js';
import { z } from 'zod';
import {
  AuditEntry,
  BatchResult,
  CampaignState,
  type CampaignReport,
} from '../../shared/campaign.js';
import { assembleReport, type CampaignMetadata } from './campaign-report.js';

const METADATA = 'metadata';
const AUDIT = 'audit';
const BATCH_PREFIX = 'batch:';
/** The audit trail is for people; past this it keeps the newest entries. */
const MAX_AUDIT_ENTRIES = 500;

/**
 * A campaign's durable results, keyed by campaign id: one state entry per
 * batch (so no state value grows with the campaign), its metadata and audit
 * trail. Reports are assembled from it on demand, during the run (results so
 * far) and any time after.
 */
export const campaignResultsObject = restate.object({
  name: 'CampaignResults',
  handlers: {
    storeBatch: restate.handlers.object.exclusive(
      { input: restate.serde.schema(BatchResult), ingressPrivate: true },
      async (context: restate.ObjectContext, result: BatchResult) => {
        context.set(BATCH_PREFIX + result.index, result);
      },
    ),

    setMetadata: restate.handlers.object.exclusive(
      { ingressPrivate: true },
      async (context: restate.ObjectContext, metadata: CampaignMetadata) => {
        context.set(METADATA, metadata);
      },
    ),

    /** A later state of the campaign; the request stays as `setMetadata` wrote it once. */
    setState: restate.handlers.object.exclusive(
      {
        input: restate.serde.schema(
          z.object({ state: CampaignState, finishedAt: z.string().optional() }),
        ),
        ingressPrivate: true,
      },
      async (context: restate.ObjectContext, update) => {
        const metadata = await context.get<CampaignMetadata>(METADATA);
        if (!metadata) throw new restate.TerminalError('setState before setMetadata');
        context.set(METADATA, { ...metadata, ...update });
      },
    ),

    appendAudit: restate.handlers.object.exclusive(
      { input: restate.serde.schema(AuditEntry), ingressPrivate: true },
      async (context: restate.ObjectContext, entry: AuditEntry) => {
        const audit = (await context.get<AuditEntry[]>(AUDIT)) ?? [];
        audit.push(entry);
        context.set(AUDIT, audit.slice(-MAX_AUDIT_ENTRIES));
      },
    ),

    report: restate.handlers.object.shared(
      async (context: restate.ObjectSharedContext): Promise<CampaignReport | null> => {
        const metadata = await context.get<CampaignMetadata>(METADATA);
        if (!metadata) return null;
        const batches = await readStateEntries<BatchResult>(context, BATCH_PREFIX);
        return assembleReport(metadata, batches, (await context.get<AuditEntry[]>(AUDIT)) ?? []);
      },
    ),

    batch: restate.handlers.object.shared(
      { input: restate.serde.schema(z.number().int().min(0)) },
      async (context: restate.ObjectSharedContext, index: number): Promise<BatchResult | null> =>
        (await context.get<BatchResult>(BATCH_PREFIX + index)) ?? null,
    ),
  },
});
export type CampaignResultsObject = typeof campaignResultsObject;
