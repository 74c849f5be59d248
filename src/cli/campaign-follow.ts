import * as clients from '@restatedev/restate-sdk-clients';
import { spectraClients } from '../clients/service-clients.js';
import type { CampaignProgress, CampaignReport } from '../shared/campaign.js';
import { FINISHED_CAMPAIGN_STATES } from '../shared/campaign.js';
import { CliError } from './cli-error.js';
import { ProgressDisplay } from './progress-display.js';

const POLL_INTERVAL_MS = 500;
/** A submitted campaign publishes progress within moments; an unknown id never does. */
const NO_PROGRESS_LIMIT_MS = 30_000;
/** How long a finished campaign's workflow may take to return after its progress says so. */
const FINAL_PUBLISH_WAIT_MS = 10_000;

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
  // Resolves the moment the workflow ends, so the final poll follows at once
  // instead of up to a poll interval later; if attaching fails, polling alone decides.
  const stopAttaching = new AbortController();
  let ended = false;
  const workflowEnded = Promise.resolve(
    workflow.workflowAttach(clients.Opts.from({ signal: stopAttaching.signal })),
  ).then(
    () => {
      ended = true;
    },
    () => new Promise<void>(() => {}),
  );
  let progress: CampaignProgress | null = null;
  const startedFollowing = Date.now();
  try {
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
      let pollTimer: NodeJS.Timeout | undefined;
      const nextPoll = new Promise(
        (resolve) => (pollTimer = setTimeout(resolve, POLL_INTERVAL_MS)),
      );
      // Once ended, only the timer paces the (final) polls.
      await (ended ? nextPoll : Promise.race([nextPoll, workflowEnded]));
      clearTimeout(pollTimer);
    }
    // Progress can read finished a moment before the workflow has published its
    // final metadata, which the report reads: let the run end first (bounded).
    if (!ended) {
      let endTimer: NodeJS.Timeout | undefined;
      await Promise.race([
        workflowEnded,
        new Promise((resolve) => (endTimer = setTimeout(resolve, FINAL_PUBLISH_WAIT_MS))),
      ]);
      clearTimeout(endTimer);
    }
  } finally {
    // An open attach request would keep the process alive after following stops.
    stopAttaching.abort();
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
