import type { IngressTransport } from '../../src/main/host/ingress-transport.js';
import * as clients from '@restatedev/restate-sdk-clients';
import type {
  CampaignRequest,
  CampaignProgress,
  CampaignReport,
} from '../../src/shared/campaign.js';
import type { CampaignsService } from '../../src/services/campaigns/campaign-submission-service.js';
import type { CampaignWorkflow } from '../../src/services/campaigns/campaign-workflow.js';
import type { CampaignResultsObject } from '../../src/services/campaigns/campaign-results-object.js';

/** Submits a campaign through the ingress exactly as the CLI and UI do, and waits for it. */
export async function runCampaign(
  transport: IngressTransport,
  request: CampaignRequest,
  idempotencyKey = `test-${Math.random()}`,
): Promise<{ campaignId: string; progress: CampaignProgress; report: CampaignReport }> {
  const ingress = clients.connect(transport);
  const submitted = await ingress
    .serviceClient<CampaignsService>({ name: 'Campaigns' })
    .submit(request, clients.rpc.opts({ idempotencyKey }));
  const progress = await ingress
    .workflowClient<CampaignWorkflow>({ name: 'CampaignWorkflow' }, submitted.campaignId)
    .workflowAttach();
  const report = await ingress
    .objectClient<CampaignResultsObject>({ name: 'CampaignResults' }, submitted.campaignId)
    .report();
  if (!report) throw new Error(`no report for ${submitted.campaignId}`);
  return { campaignId: submitted.campaignId, progress, report };
}
