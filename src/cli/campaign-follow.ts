import * as clients from '@restatedev/restate-sdk-clients';
import { spectraClients } from '../clients/service-clients.js';
import type { CampaignProgress, CampaignReport } from '../shared/campaign.js';
import { FINISHED_CAMPAIGN_STATES } from '../shared/campaign.js';
import { CliError } from './cli-error.js';
import { HostDidNotAnswer } from './host-connection.js';
import { ProgressDisplay } from './progress-display.js';

/** How often shown progress is refreshed. */
const POLL_INTERVAL_MS = 500;
/**
 * Without a display (--json), the end comes from attaching to the workflow;
 * polls only catch what attaching cannot tell (an unknown id, a campaign the
 * host stopped on an upgrade), and each one is an invocation on the host.
 */
const QUIET_POLL_INTERVAL_MS = 5_000;
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
  const stopAttaching = new AbortController();
  // The workflow's result is its final progress, there the moment it ends (with
  // the final metadata the report reads published), so no poll follows the end.
  // Attaching ends early when the run failed or the id is unknown: polls decide.
  let ending: { progress?: CampaignProgress } | undefined;
  const workflowEnded = attachUntilEnd(workflow, stopAttaching.signal).then(
    (progress) => void (ending = { progress }),
    () => void (ending = {}),
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
      progress = ending?.progress ?? (await workflow.progress());
      if (progress) display?.update(progress);
      else if (Date.now() - startedFollowing > NO_PROGRESS_LIMIT_MS) {
        throw new CliError(
          `campaign ${campaignId} reports no progress (unknown id? see spectra campaigns)`,
        );
      }
      if (progress && FINISHED_CAMPAIGN_STATES.includes(progress.state)) break;
      const interval = display || ending ? POLL_INTERVAL_MS : QUIET_POLL_INTERVAL_MS;
      let pollTimer: NodeJS.Timeout | undefined;
      const nextPoll = new Promise((resolve) => (pollTimer = setTimeout(resolve, interval)));
      // Once attaching has ended, only the timer paces the (final) polls.
      await (ending ? nextPoll : Promise.race([nextPoll, workflowEnded]));
      clearTimeout(pollTimer);
    }
    // A poll can read finished a moment before the workflow has published its
    // final metadata, which the report reads: let the run end first (bounded).
    if (!ending) {
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
  const report = await spectraClients(ingress).campaignReport(campaignId);
  if (!report) throw new CliError(`campaign ${campaignId} has no report`);
  return report;
}

/**
 * The workflow's result, attached to again whenever the host's request
 * timeout (which bounds every call of a command) ends a wait for a long
 * campaign. Rejects when attaching fails otherwise (the run failed, the id is
 * unknown) or is stopped.
 */
async function attachUntilEnd(
  workflow: ReturnType<ReturnType<typeof spectraClients>['campaignWorkflow']>,
  signal: AbortSignal,
): Promise<CampaignProgress> {
  for (;;) {
    try {
      return await workflow.workflowAttach(clients.Opts.from({ signal }));
    } catch (error) {
      if (signal.aborted || !(error instanceof HostDidNotAnswer)) throw error;
    }
  }
}

export async function readCampaignReport(
  ingress: clients.Ingress,
  campaignId: string,
): Promise<CampaignReport> {
  const report = await spectraClients(ingress).campaignReport(campaignId);
  if (!report) throw new CliError(`no campaign "${campaignId}" (see spectra campaigns)`);
  return report;
}
