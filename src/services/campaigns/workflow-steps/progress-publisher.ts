import { INDEX_KEY } from '../../../shared/service-contracts.js';
import type * as restate from '@restatedev/restate-sdk';
import {
  type BatchSummary,
  type CampaignListing,
  type CampaignProgress,
  type CampaignState,
} from '../../../shared/campaign.js';
import { requestOfSpec, type CampaignSpec } from '../../../shared/campaign-spec.js';
import { addBatchToTotals, emptyTotals } from '../../../shared/campaign-totals.js';
import { emptySeverityCounts } from '../../../shared/campaign.js';
import { campaignIndexObject } from '../campaign-index-object.js';
import { campaignResultsObject } from '../campaign-results-object.js';
import type { CampaignMetadata } from '../../../shared/campaign-report.js';

/** Workflow state: the live progress without its batches (kept one entry each, below). */
export const PROGRESS = 'progress';
/** One state entry per batch, so recording a batch journals one small entry, whatever the campaign's size. */
export const BATCH_PREFIX = 'batch:';

/**
 * Publishes a campaign's progress: the workflow's own state (read by the
 * `progress` shared handler), its metadata in CampaignResults and its listing
 * in CampaignIndex. The full metadata (with the request) is written once; later
 * publishes send only the state. The final publish writes metadata and listing
 * first and the workflow's own state last, so whoever sees the campaign
 * finished also finds its report and listing finished.
 */
export class ProgressPublisher {
  readonly progress: CampaignProgress;
  /** Batches as this run set them; rebuilt on replay, since the run replays its own calls. */
  private readonly batchStates = new Map<number, BatchSummary>();

  constructor(
    private readonly context: restate.WorkflowContext,
    private readonly spec: CampaignSpec,
    startedAt: string,
  ) {
    this.progress = {
      campaignId: context.key,
      name: spec.name,
      state: 'validating',
      engine: spec.engine,
      startedAt,
      updatedAt: startedAt,
      totals: emptyTotals(spec.counts.hosts),
      batchSize: spec.tuning.batchSize,
      tuning: spec.tuning,
      batches: [],
    };
  }

  private metadata(finishedAt?: string): CampaignMetadata {
    return {
      campaignId: this.progress.campaignId,
      name: this.spec.name,
      request: requestOfSpec(this.spec),
      engine: this.spec.engine,
      targets: this.spec.counts.hosts,
      tuning: this.spec.tuning,
      startedAt: this.progress.startedAt,
      finishedAt,
      state: this.progress.state,
    };
  }

  private listing(): CampaignListing {
    return {
      campaignId: this.progress.campaignId,
      name: this.spec.name,
      scope: this.spec.scope
        .filter((entry) => !entry.network.startsWith('!'))
        .map((entry) => entry.network)
        .join(', '),
      state: this.progress.state,
      engine: this.spec.engine,
      createdAt: this.progress.startedAt,
      finishedAt: this.progress.finishedAt,
      totals: this.progress.totals,
    };
  }

  /** The first publish: metadata with the request, once. */
  start(): void {
    this.context.set(PROGRESS, this.progress);
    this.context
      .objectSendClient(campaignResultsObject, this.progress.campaignId)
      .setMetadata(this.metadata());
    this.context.objectSendClient(campaignIndexObject, INDEX_KEY).upsert(this.listing());
  }

  /** An intermediate state; one-way sends, ordered per object after the ones before. */
  async publish(state: CampaignState): Promise<void> {
    this.progress.state = state;
    this.progress.updatedAt = await this.context.date.toJSON();
    this.context.set(PROGRESS, this.progress);
    this.context
      .objectSendClient(campaignResultsObject, this.progress.campaignId)
      .setState({ state });
    this.context.objectSendClient(campaignIndexObject, INDEX_KEY).upsert(this.listing());
  }

  /** Stores the progress (no publish elsewhere): between batches. */
  async save(): Promise<void> {
    this.progress.updatedAt = await this.context.date.toJSON();
    this.context.set(PROGRESS, this.progress);
  }

  /** The final state: report and listing first (awaited), the workflow's own state last. */
  async finish(state: CampaignState): Promise<CampaignProgress> {
    const finishedAt = await this.context.date.toJSON();
    this.progress.state = state;
    this.progress.updatedAt = finishedAt;
    this.progress.finishedAt = finishedAt;
    await this.context
      .objectClient(campaignResultsObject, this.progress.campaignId)
      .setState({ state, finishedAt });
    await this.context.objectClient(campaignIndexObject, INDEX_KEY).upsert(this.listing());
    this.context.set(PROGRESS, this.progress);
    return { ...this.progress, batches: await this.batches() };
  }

  async audit(event: string, detail?: string, actor?: string): Promise<void> {
    // One-way: audit entries need no answer, and the object handles our messages in order.
    this.context
      .objectSendClient(campaignResultsObject, this.progress.campaignId)
      .appendAudit({ at: await this.context.date.toJSON(), event, detail, actor });
  }

  /** A batch started, pending or cancelled: its entry only. */
  setBatch(batch: BatchSummary): void {
    this.batchStates.set(batch.index, batch);
    this.context.set(BATCH_PREFIX + batch.index, batch);
  }

  /** A batch ended (done or failed): its entry and the totals. */
  recordBatch(batch: BatchSummary): void {
    this.setBatch(batch);
    this.progress.totals = addBatchToTotals(this.progress.totals, batch);
  }

  /** Every batch this run set, for the workflow's result. */
  async batches(): Promise<BatchSummary[]> {
    return [...this.batchStates.values()].sort((left, right) => left.index - right.index);
  }
}

export function pendingBatch(index: number, targets: number): BatchSummary {
  return {
    index,
    state: 'pending',
    targets,
    hostsUp: 0,
    openPorts: 0,
    findings: emptySeverityCounts(),
  };
}
