import type { IngressTransport } from '../../src/main/host/ingress-transport.js';
import * as clients from '@restatedev/restate-sdk-clients';
import { spectraClients } from '../../src/clients/service-clients.js';
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
  const ingress = clients.connect(transport);
  const submitted = await spectraClients(ingress)
    .campaigns()
    .submit(request, clients.rpc.opts({ idempotencyKey }));
  const progress = await spectraClients(ingress)
    .campaignWorkflow(submitted.campaignId)
    .workflowAttach();
  const report = await spectraClients(ingress).campaignResults(submitted.campaignId).report();
  if (!report) throw new Error(`no report for ${submitted.campaignId}`);
  return { campaignId: submitted.campaignId, progress, report };
}
