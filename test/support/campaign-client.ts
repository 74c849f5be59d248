import type { IngressTransport } from '../../src/main/host/ingress-transport.js';
import { callOptions, connectSpectra } from '../../src/clients/service-clients.js';
import type {
  CampaignRequest,
  CampaignProgress,
  CampaignReport,
} from '../../src/shared/campaign.js';

/** Submits a campaign through the ingress exactly as the CLI and UI do, and waits for it. */
export async function runCampaign(
  transport: IngressTransport,
  request: CampaignRequest,
  idempotencyKey = `test-${Math.random()}`,
): Promise<{ campaignId: string; progress: CampaignProgress; report: CampaignReport }> {
  const services = connectSpectra(transport);
  const submitted = await services.campaigns().submit(request, callOptions({ idempotencyKey }));
  const progress = await services.campaignWorkflow(submitted.campaignId).workflowAttach();
  const report = await services.campaignReport(submitted.campaignId);
  if (!report) throw new Error(`no report for ${submitted.campaignId}`);
  return { campaignId: submitted.campaignId, progress, report };
}
