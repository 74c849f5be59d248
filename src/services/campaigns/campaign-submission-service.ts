import { availableParallelism } from 'node:os';
import * as restate from '@restatedev/restate-sdk';
import type { CampaignRequest, SubmittedCampaign } from '../../shared/campaign.js';
import { buildCampaignSpec } from '../../shared/campaign-spec.js';
import type { ScanEngineName } from '../../shared/observation.js';
import { chooseEngine } from '../scanner/batch-scan.js';
import { campaignWorkflow } from './campaign-workflow.js';
import {
  CampaignRequestInvalid,
  parseCampaignRequest,
  planCampaignRequest,
} from './campaign-validation.js';

/**
 * The front door for new campaigns, and the one place a request is parsed:
 * it validates everything (a bad request starts nothing), chooses the engine
 * and the tuning, builds the canonical campaign spec
 * (src/shared/campaign-spec.ts), draws the campaign id from the journal
 * (`ctx.rand`) and starts the workflow with the spec. Callers send an
 * idempotency key, so a double click or a retried request returns the same
 * campaign, never a second.
 */
export const campaignsService = restate.service({
  name: 'Campaigns',
  handlers: {
    submit: async (context: restate.Context, raw: CampaignRequest): Promise<SubmittedCampaign> => {
      // The request's shape first (the engine is part of it); the plan once, with the engine chosen.
      const request = rejectInvalidRequest(() => parseCampaignRequest(raw));
      const environment = await context.run(
        'choose engine and count cores',
        async (): Promise<{ engine?: ScanEngineName; refusal?: string; cores: number }> => {
          const cores = availableParallelism();
          try {
            return { engine: await chooseEngine(request.engine), cores };
          } catch (error) {
            return { refusal: (error as Error).message, cores };
          }
        },
      );
      if (!environment.engine)
        throw new restate.TerminalError(`engine: ${environment.refusal}`, { errorCode: 400 });
      const plan = rejectInvalidRequest(() =>
        planCampaignRequest(request, { engine: environment.engine, cores: environment.cores }),
      );
      const spec = buildCampaignSpec(request, plan, environment.engine);
      const campaignId = 'c-' + context.rand.uuidv4().replaceAll('-', '').slice(0, 12);
      context.workflowSendClient(campaignWorkflow, campaignId).run(spec);
      return {
        campaignId,
        hostCount: plan.hostCount,
        portCount: plan.portCount,
        batchCount: plan.batchCount,
      };
    },
  },
});
export type CampaignsService = typeof campaignsService;

/** The checks of campaign-validation.ts inside a handler: an invalid request is a TerminalError (400), never retried. */
function rejectInvalidRequest<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof CampaignRequestInvalid)
      throw new restate.TerminalError(error.message, { errorCode: 400 });
    throw error;
  }
}
