import type * as restate from '@restatedev/restate-sdk';
import type { CampaignState } from '../../../shared/campaign.js';
import {
  NO_HOSTNAMES,
  type CampaignSpec,
  type HostnameResolution,
} from '../../../shared/campaign-spec.js';
import type { ProgressPublisher } from './progress-publisher.js';
import { Saga } from './saga.js';

export const CANCEL_PROMISE = 'cancel';

/** How a step ends the campaign early (or how the last step ends it). */
export interface Ending {
  state: CampaignState;
  event: string;
  detail?: string;
  actor?: string;
}

export type Cancelled = { cancelled: string };

/**
 * What every step of one campaign shares: the context, the spec, the progress
 * publisher, the saga's compensations, the `cancel` promise and, once the
 * resolution step ran, where each hostname resolved to.
 */
export class CampaignRun {
  readonly campaignId: string;
  readonly saga = new Saga();
  resolution: HostnameResolution = NO_HOSTNAMES;
  /** Resolves when the analyst cancels; race it against every wait. */
  readonly cancelled: restate.RestatePromise<Cancelled>;

  constructor(
    readonly context: restate.WorkflowContext,
    readonly spec: CampaignSpec,
    readonly publisher: ProgressPublisher,
  ) {
    this.campaignId = context.key;
    this.cancelled = context
      .promise<string>(CANCEL_PROMISE)
      .get()
      .map((reason): Cancelled => ({ cancelled: reason ?? 'cancelled' }));
  }

  now(): Promise<string> {
    return this.context.date.toJSON();
  }

  /** Compensations in reverse, the audit entry, then the final state: the one way a campaign ends. */
  async end(ending: Ending) {
    await this.saga.compensate();
    await this.publisher.audit(ending.event, ending.detail, ending.actor);
    return this.publisher.finish(ending.state);
  }
}
