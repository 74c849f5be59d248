import * as restate from '@restatedev/restate-sdk';
import type { CampaignRequest, SubmittedCampaign } from '../../shared/campaign.js';
import { campaignWorkflow } from './campaign-workflow.js';
import { validateCampaignRequestInHandler } from './campaign-validation.js';

/**
 * The front door for new campaigns. It validates everything first (a bad
 * request starts nothing), then draws the campaign id from the journal
 * (`ctx.rand`) and starts the workflow. Callers send an idempotency key, so a
 * double click or a retried request returns the same campaign, never a second.
 */
export const campaignsService = restate.service({
  name: 'Campaigns',
  handlers: {
    submit: async (context: restate.Context, raw: CampaignRequest): Promise<SubmittedCampaign> => {
      const validated = validateCampaignRequestInHandler(raw);
      const campaignId = 'c-' + context.rand.uuidv4().replaceAll('-', '').slice(0, 12);
      context.workflowSendClient(campaignWorkflow, campaignId).run(validated.request);
      return {
        campaignId,
        hostCount: validated.plan.hostCount,
        portCount: validated.plan.portCount,
        batchCount: validated.plan.batchCount,
      };
    },
  },
});
export type CampaignsService = typeof campaignsService;
