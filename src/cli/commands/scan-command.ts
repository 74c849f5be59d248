import { randomUUID } from 'node:crypto';
import { jsonForTerminal } from '../terminal-text.js';
import { callOptions, spectraClients } from '../../clients/service-clients.js';
import { availableParallelism } from 'node:os';
import {
  DEFAULT_APPROVAL_TIMEOUT_MS,
  formatApprovalReasons,
  formatDuration,
  type ApprovalRequirement,
} from '../../shared/approval.js';
import { campaignApprovalRequirement, type ParsedCampaignRequest } from '../../shared/campaign.js';
import {
  formatCampaignPlan,
  type PlanEnvironment,
  type ScanEngineChoice,
} from '../../shared/campaign-plan.js';
import {
  parseCampaignRequest,
  planCampaignRequest,
} from '../../services/campaigns/campaign-validation.js';
import { followCampaign } from '../campaign-follow.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import {
  CAMPAIGN_REQUEST_OPTIONS,
  CAMPAIGN_REQUEST_USAGE,
  campaignRequestFrom,
  refuseInvalidRequest,
} from '../campaign-request-flags.js';
import { connectToHost, connectToRunningHost, describeIngressError } from '../host-connection.js';
import { formatCampaignSummary } from '../progress-display.js';

const SCAN_REFUSED = 'scan refused, nothing was started';

export const scanCommand: Command = {
  name: 'scan',
  usage: `spectra scan --targets LIST --ports LIST --scope NETS [options]

${CAMPAIGN_REQUEST_USAGE}
  --dry-run             validate and print the plan; send nothing
  --detach              print the campaign id and return (needs a running host: spectra serve)
  --json                print the final report as JSON

Submits to the host running on --data-dir, or starts one for the scan.`,
  options: {
    ...CAMPAIGN_REQUEST_OPTIONS,
    'dry-run': { type: 'boolean' },
    detach: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(parsed) {
    const request = campaignRequestFrom(parsed, 'scan');
    // Parsed once and planned once, in Campaigns.submit's two steps: a refusal
    // here starts no host (the host checks again, planning with the engine it chooses).
    const parsedRequest = refuseInvalidRequest(SCAN_REFUSED, () => parseCampaignRequest(request));
    const dryRun = Boolean(parsed.values['dry-run']);
    const environment = dryRun ? await localEnvironment(parsedRequest.engine) : {};
    const plan = refuseInvalidRequest(SCAN_REFUSED, () =>
      planCampaignRequest(parsedRequest, environment),
    );
    const approval = campaignApprovalRequirement(parsedRequest, plan);
    if (dryRun) {
      process.stdout.write(
        `${formatCampaignPlan(plan)}\n${formatApprovalPlan(parsedRequest, approval)}\n(dry run: no packet sent)\n`,
      );
      return 0;
    }

    const dataDir = resolveDataDir(parsed);
    const connection = parsed.values.detach
      ? connectToRunningHost(dataDir)
      : await connectToHost(dataDir);
    if (!connection) {
      throw new CliError(
        '--detach needs a running host on this data dir (start one with: spectra serve)',
        2,
      );
    }
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const submitted = await Promise.resolve(
        spectraClients(connection.ingress)
          .campaigns()
          // A retried request reuses the key, so it can never start a second campaign.
          .submit(request, callOptions({ idempotencyKey: randomUUID() })),
      ).catch((error: unknown) => {
        throw new CliError(`scan refused: ${describeIngressError(error)}`, 2);
      });
      if (parsed.values.detach) {
        process.stdout.write(`${submitted.campaignId}\n`);
        return 0;
      }
      process.stderr.write(
        `campaign ${submitted.campaignId}: ${submitted.hostCount} hosts x ${submitted.portCount} ports in ${submitted.batchCount} batches\n`,
      );
      if (approval.kind === 'ask') {
        process.stderr.write(
          `waiting for approval (${formatApprovalReasons(approval.reasons)}): spectra approve ${submitted.campaignId} --note TEXT, or spectra reject ${submitted.campaignId}\n`,
        );
      }
      const report = await followCampaign(connection.ingress, submitted.campaignId, {
        quiet: Boolean(parsed.values.json),
        signal: interrupt.signal,
      });
      process.stdout.write(
        parsed.values.json ? jsonForTerminal(report) + '\n' : formatCampaignSummary(report) + '\n',
      );
      return report.state === 'completed' ? 0 : 1;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      await connection.close();
    }
  },
};

/**
 * The tuning as Campaigns.submit would choose it on this machine: the engine
 * `auto` resolves to, and the cores. An engine it would refuse (nmap asked
 * for, not installed) refuses the dry run the same way.
 */
async function localEnvironment(choice: ScanEngineChoice): Promise<PlanEnvironment> {
  // Loaded here only: the engines are not needed to submit to a host.
  const { chooseEngine } = await import('../../services/scanner/batch-scan.js');
  try {
    return { engine: await chooseEngine(choice), cores: availableParallelism() };
  } catch (error) {
    throw new CliError(`${SCAN_REFUSED}:\n  engine: ${(error as Error).message}`, 2);
  }
}

function formatApprovalPlan(request: ParsedCampaignRequest, approval: ApprovalRequirement): string {
  if (approval.kind !== 'ask')
    return `policy:   runs without approval (${request.approval ?? 'auto'})`;
  const timeout = formatDuration(request.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS);
  return `policy:   waits up to ${timeout} for approval: ${formatApprovalReasons(approval.reasons)}`;
}
