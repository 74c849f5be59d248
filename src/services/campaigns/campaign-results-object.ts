import { INDEX_KEY } from '../../shared/service-contracts.js';
import { totalsOfResults } from '../../shared/campaign-totals.js';
import * as restate from '@restatedev/restate-sdk';
import { readStateEntries } from '../state-entries.js';
import { z } from 'zod';
import {
  AuditEntry,
  CampaignState,
  FINISHED_CAMPAIGN_STATES,
  type BatchResult,
} from '../../shared/campaign.js';
import type { CampaignMetadata, CampaignOutline } from '../../shared/campaign-report.js';
import { campaignIndexObject } from './campaign-index-object.js';
import { approvalsObject } from '../approvals/approvals-object.js';
import { scopeLocksObject } from '../scope-locks/scope-locks-object.js';
import { scanMarksObject } from '../scope-locks/scan-marks-object.js';
import { UpgradeStop, upgradeStopReason } from '../../shared/upgrade-stop.js';
import { trustedBulkInput } from '../trusted-input.js';

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
 *
 * Handlers that touch a few known entries use lazy state: by default
 * restate-server sends an object's whole state with every call, which would
 * make storing a campaign's n-th batch carry the n-1 before it.
 */
export const campaignResultsObject = restate.object({
  name: 'CampaignResults',
  handlers: {
    storeBatch: restate.handlers.object.exclusive(
      { input: trustedBulkInput<BatchResult>(), ingressPrivate: true, enableLazyState: true },
      async (context: restate.ObjectContext, result: BatchResult) => {
        context.set(BATCH_PREFIX + result.index, result);
      },
    ),

    setMetadata: restate.handlers.object.exclusive(
      { ingressPrivate: true, enableLazyState: true },
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
        enableLazyState: true,
      },
      async (context: restate.ObjectContext, update) => {
        const metadata = await context.get<CampaignMetadata>(METADATA);
        if (!metadata) throw new restate.TerminalError('setState before setMetadata');
        context.set(METADATA, { ...metadata, ...update });
      },
    ),

    appendAudit: restate.handlers.object.exclusive(
      { input: restate.serde.schema(AuditEntry), ingressPrivate: true, enableLazyState: true },
      async (context: restate.ObjectContext, entry: AuditEntry) => {
        const audit = (await context.get<AuditEntry[]>(AUDIT)) ?? [];
        audit.push(entry);
        context.set(AUDIT, audit.slice(-MAX_AUDIT_ENTRIES));
      },
    ),

    /**
     * The host killed this campaign's workflow because a previous app version
     * started it (its journal no longer matches the code): the saga's
     * compensations run here instead (scan marks, scope locks, a pending
     * approval), then the
     * campaign is recorded as failed with the reason. Idempotent; a campaign
     * already final is left alone.
     */
    stopOnUpgrade: restate.handlers.object.exclusive(
      // Lazy: a large campaign's whole state passes the server's per-invocation memory limit.
      { input: restate.serde.schema(UpgradeStop), enableLazyState: true },
      async (context: restate.ObjectContext, stop: UpgradeStop): Promise<boolean> => {
        const campaignId = context.key;
        // The saga's compensations, in its reverse order; each is a no-op when its step never ran.
        await context.objectClient(scanMarksObject, INDEX_KEY).clear(campaignId);
        await context.objectClient(scopeLocksObject, INDEX_KEY).release(campaignId);
        await context
          .objectClient(approvalsObject, INDEX_KEY)
          .close({ campaignId, outcome: 'withdrawn' });
        const metadata = await context.get<CampaignMetadata>(METADATA);
        if (!metadata || FINISHED_CAMPAIGN_STATES.includes(metadata.state)) return false;
        const finishedAt = await context.date.toJSON();
        const failed: CampaignMetadata = { ...metadata, state: 'failed', finishedAt };
        context.set(METADATA, failed);
        const audit = (await context.get<AuditEntry[]>(AUDIT)) ?? [];
        audit.push({
          at: finishedAt,
          event: 'failed',
          detail: upgradeStopReason(stop),
        });
        context.set(AUDIT, audit.slice(-MAX_AUDIT_ENTRIES));
        const batches = await readStateEntries<BatchResult>(context, BATCH_PREFIX);
        context.objectSendClient(campaignIndexObject, INDEX_KEY).upsert({
          campaignId,
          name: metadata.name,
          scope:
            typeof metadata.request.scope === 'string'
              ? metadata.request.scope
              : metadata.request.scope
                  .filter((entry) => !entry.network.startsWith('!'))
                  .map((entry) => entry.network)
                  .join(', '),
          state: 'failed',
          engine: metadata.engine,
          createdAt: metadata.startedAt ?? finishedAt,
          finishedAt,
          totals: totalsOfResults(metadata.targets, batches),
        });
        return true;
      },
    ),

    /**
     * The metadata, the audit trail and which batches are stored; null for an
     * unknown campaign. Readers assemble the report from it and each `batch`
     * (readCampaignResults): all batches in one answer, or in one state read,
     * passed Restate's ~32 MiB limits from about 40,000 hosts on (measured: a
     * 45,000-host import's report paused with "memory budget exhausted while
     * reading service state").
     */
    outline: restate.handlers.object.shared(
      { enableLazyState: true },
      async (context: restate.ObjectSharedContext): Promise<CampaignOutline | null> => {
        const metadata = await context.get<CampaignMetadata>(METADATA);
        if (!metadata) return null;
        const batchIndexes = (await context.stateKeys())
          .filter((key) => key.startsWith(BATCH_PREFIX))
          .map((key) => Number(key.slice(BATCH_PREFIX.length)))
          .sort((left, right) => left - right);
        return { metadata, audit: (await context.get<AuditEntry[]>(AUDIT)) ?? [], batchIndexes };
      },
    ),

    batch: restate.handlers.object.shared(
      { input: restate.serde.schema(z.number().int().min(0)), enableLazyState: true },
      async (context: restate.ObjectSharedContext, index: number): Promise<BatchResult | null> =>
        (await context.get<BatchResult>(BATCH_PREFIX + index)) ?? null,
    ),
  },
});
export type CampaignResultsObject = typeof campaignResultsObject;
