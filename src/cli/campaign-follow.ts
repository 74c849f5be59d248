import type * as clients from '@restatedev/restate-sdk-clients';
import { spectraClients } from '../clients/service-clients.js';
import type { CampaignProgress, CampaignReport } from '../shared/campaign.js';
import { FINISHED_CAMPAIGN_STATES } from '../shared/campaign.js';
import { CliError } from './cli-error.js';
import { ProgressDisplay } from './progress-display.js';

const POLL_INTERVAL_MS = 500;
/** A submitted campaign publishes progress within moments; an unknown id never does. */
const NO_PROGRESS_LIMIT_MS = 30_000;

/**
 * Follows a campaign until it finishes, showing progress, then returns its
 * report. Ctrl-C only stops following: the campaign itself is durable.
 */
export async function followCampaign(
  ingress: clients.Ingress,
  campaignId: string,
  options: { quiet?: boolean; signal?: AbortSignal } = {},
): Promise<CampaignReport> {
  const workflow = spectraClients(ingress).campaignWorkflow(campaignId);
  const display = options.quiet ? undefined : new ProgressDisplay();
  let progress: CampaignProgress | null = null;
  const startedFollowing = Date.now();
  for (;;) {
    if (options.signal?.aborted)
      throw new CliError(
        `stopped following ${campaignId}; it continues (spectra attach ${campaignId})`,
        130,
      );
    progress = await workflow.progress();
    if (progress) display?.update(progress);
    else if (Date.now() - startedFollowing > NO_PROGRESS_LIMIT_MS) {
      throw new CliError(
        `campaign ${campaignId} reports no progress (unknown id? see spectra campaigns)`,
      );
    }
    if (progress && FINISHED_CAMPAIGN_STATES.includes(progress.state)) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  const report = await spectraClients(ingress).campaignResults(campaignId).report();
  if (!report) throw new CliError(`campaign ${campaignId} has no report`);
  return report;
}

export async function readCampaignReport(
  ingress: clients.Ingress,
  campaignId: string,
): Promise<CampaignReport> {
  const report = await spectraClients(ingress).campaignResults(campaignId).report();
  if (!report) throw new CliError(`no campaign "${campaignId}" (see spectra campaigns)`);
  return report;
}
