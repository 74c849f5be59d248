import { randomUUID } from 'node:crypto';
import { jsonForTerminal } from '../terminal-text.js';
import { spectraClients } from '../../clients/service-clients.js';
import { availableParallelism } from 'node:os';
import * as clients from '@restatedev/restate-sdk-clients';
import {
  DEFAULT_APPROVAL_TIMEOUT_MS,
  formatApprovalReasons,
  formatDuration,
  type ApprovalRequirement,
} from '../../shared/approval.js';
import { campaignApprovalRequirement, type ParsedCampaignRequest } from '../../shared/campaign.js';
import { formatCampaignPlan } from '../../shared/campaign-plan.js';
import { readRunningHostInfo } from '../../main/host/data-dir.js';
import {
  CampaignRequestInvalid,
  validateCampaignRequest,
} from '../../services/campaigns/campaign-validation.js';
import { followCampaign } from '../campaign-follow.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import {
  CAMPAIGN_REQUEST_OPTIONS,
  CAMPAIGN_REQUEST_USAGE,
  campaignRequestFrom,
} from '../campaign-request-flags.js';
import { connectToHost, describeIngressError } from '../host-connection.js';
import { formatCampaignSummary } from '../progress-display.js';

export const scanCommand: Command = {
  name: 'scan',
  summary: 'run a campaign: validate, scan durably, match CVEs, print a summary',
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
    let validated: ReturnType<typeof validateCampaignRequest>;
    try {
      validated = validateCampaignRequest(request);
    } catch (error) {
      if (error instanceof CampaignRequestInvalid) {
        throw new CliError(
          `scan refused, nothing was started:\n  ${error.problems.join('\n  ')}`,
          2,
        );
      }
      throw error;
    }
    const approval = campaignApprovalRequirement(validated.request, validated.plan);
    if (parsed.values['dry-run']) {
      // The tuning as the host will choose it: the engine `auto` resolves to, and the cores.
      // (Loaded here only: the engines are not needed to submit to a host.)
      const { chooseEngine } = await import('../../services/scanner/batch-scan.js');
      const engine = await chooseEngine(validated.request.engine).catch(() => undefined);
      if (engine)
        validated = validateCampaignRequest(request, { engine, cores: availableParallelism() });
      process.stdout.write(
        `${formatCampaignPlan(validated.plan)}\n${formatApprovalPlan(validated.request, approval)}\n(dry run: no packet sent)\n`,
      );
      return 0;
    }

    const dataDir = resolveDataDir(parsed);
    if (parsed.values.detach && !readRunningHostInfo(dataDir)) {
      throw new CliError(
        '--detach needs a running host on this data dir (start one with: spectra serve)',
        2,
      );
    }
    const connection = await connectToHost(dataDir);
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const submitted = await Promise.resolve(
        spectraClients(connection.ingress)
          .campaigns()
          // A retried request reuses the key, so it can never start a second campaign.
          .submit(request, clients.rpc.opts({ idempotencyKey: randomUUID() })),
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

function formatApprovalPlan(request: ParsedCampaignRequest, approval: ApprovalRequirement): string {
  if (approval.kind !== 'ask')
    return `policy:   runs without approval (${request.approval ?? 'auto'})`;
  const timeout = formatDuration(request.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS);
  return `policy:   waits up to ${timeout} for approval: ${formatApprovalReasons(approval.reasons)}`;
}
