import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as clients from '@restatedev/restate-sdk-clients';
import {
  ApprovalMode,
  ApprovalPolicy,
  DEFAULT_APPROVAL_TIMEOUT_MS,
  MAX_APPROVAL_TIMEOUT_MS,
  MIN_APPROVAL_TIMEOUT_MS,
  approvalRequirement,
  formatApprovalReasons,
  formatDuration,
  parseDuration,
  type ApprovalRequirement,
} from '../../shared/approval.js';
import type { CampaignRequest, ParsedCampaignRequest } from '../../shared/campaign.js';
import { formatCampaignPlan, type CampaignPlan } from '../../shared/campaign-plan.js';
import { readRunningHostInfo } from '../../main/host/data-dir.js';
import type { CampaignsService } from '../../services/campaigns/campaign-submission-service.js';
import {
  CampaignRequestInvalid,
  validateCampaignRequest,
} from '../../services/campaigns/campaign-validation.js';
import { followCampaign } from '../campaign-follow.js';
import { CliError } from '../cli-error.js';
import { integerOption, stringOption, type Command, type ParsedCommand } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { connectToHost, describeIngressError } from '../host-connection.js';
import { formatCampaignSummary } from '../progress-display.js';

export const scanCommand: Command = {
  name: 'scan',
  summary: 'run a campaign: validate, scan durably, match CVEs, print a summary',
  usage: `spectra scan --targets LIST --ports LIST --scope NETS [options]

  --targets LIST        IPs, CIDRs, ranges (10.0.0.1-20), hostnames; comma or newline separated
  --targets-file FILE   read targets from a file (one per line, # comments)
  --exclude LIST        targets to leave out
  --ports LIST          22,80,8000-8100 or a preset: top-100, top-1000
  --scope NETS          networks the campaign may touch (required); add "sensitive" after one to mark it
  --name NAME           campaign name (default: the targets)
  --engine E            auto (nmap if installed), builtin or nmap (default auto)
  --service-detection   nmap -sV (slower, intrusive)
  --batch N             targets per batch (default 50)
  --in-flight N         batches scanned at once (default 4)
  --timeout MS          built-in engine connect timeout
  --rate N              built-in engine: new connections per second
  --approval MODE       auto (ask when the policy flags the campaign), required or never (default auto)
  --approval-timeout D  how long to wait for a decision: 90s, 30m, 24h, 2d (default 24h)
  --dry-run             validate and print the plan; send nothing
  --detach              print the campaign id and return (needs a running host: spectra serve)
  --json                print the final report as JSON

Submits to the host running on --data-dir, or starts one for the scan.`,
  options: {
    targets: { type: 'string' },
    'targets-file': { type: 'string' },
    exclude: { type: 'string' },
    ports: { type: 'string' },
    scope: { type: 'string' },
    name: { type: 'string' },
    engine: { type: 'string' },
    'service-detection': { type: 'boolean' },
    batch: { type: 'string' },
    'in-flight': { type: 'string' },
    timeout: { type: 'string' },
    rate: { type: 'string' },
    approval: { type: 'string' },
    'approval-timeout': { type: 'string' },
    'dry-run': { type: 'boolean' },
    detach: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(parsed) {
    const request = campaignRequestFrom(parsed);
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
    const approval = approvalOf(validated.request, validated.plan);
    if (parsed.values['dry-run']) {
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
        connection.ingress
          .serviceClient<CampaignsService>({ name: 'Campaigns' })
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
        parsed.values.json
          ? JSON.stringify(report, null, 2) + '\n'
          : formatCampaignSummary(report) + '\n',
      );
      return report.state === 'completed' ? 0 : 1;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      await connection.close();
    }
  },
};

function campaignRequestFrom(parsed: ParsedCommand): CampaignRequest {
  const targetsFile = stringOption(parsed, 'targets-file');
  let targets = stringOption(parsed, 'targets') ?? '';
  if (targetsFile) {
    try {
      targets = [targets, readFileSync(targetsFile, 'utf8')].filter(Boolean).join('\n');
    } catch (error) {
      throw new CliError(
        `--targets-file ${targetsFile}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
        2,
      );
    }
  }
  if (!targets.trim()) throw new CliError('scan: --targets or --targets-file is required', 2);
  const ports = stringOption(parsed, 'ports');
  if (!ports)
    throw new CliError('scan: --ports is required (e.g. --ports 22,80 or --ports top-100)', 2);
  const scope = stringOption(parsed, 'scope');
  if (!scope)
    throw new CliError('scan: --scope is required: the networks this campaign may touch', 2);
  const engine = stringOption(parsed, 'engine') ?? 'auto';
  if (!['auto', 'builtin', 'nmap'].includes(engine)) {
    throw new CliError(`--engine "${engine}": expected auto, builtin or nmap`, 2);
  }
  return {
    ...approvalOptions(parsed),
    name: stringOption(parsed, 'name') ?? targets.split(/[\n,]/)[0]!.trim().slice(0, 120),
    targets,
    exclusions: stringOption(parsed, 'exclude'),
    ports,
    scope,
    engine: engine as CampaignRequest['engine'],
    serviceDetection: parsed.values['service-detection'] ? true : undefined,
    batchSize: integerOption(parsed, 'batch', { min: 1, max: 4096 }),
    batchesInFlight: integerOption(parsed, 'in-flight', { min: 1, max: 32 }),
    connectTimeoutMs: integerOption(parsed, 'timeout', { min: 50, max: 30_000 }),
    ratePerSecond: integerOption(parsed, 'rate', { min: 1, max: 1_000_000 }),
  };
}

function approvalOptions(
  parsed: ParsedCommand,
): Pick<CampaignRequest, 'approval' | 'approvalTimeoutMs'> {
  const mode = stringOption(parsed, 'approval');
  if (mode !== undefined && !ApprovalMode.safeParse(mode).success)
    throw new CliError(`--approval "${mode}": expected auto, required or never`, 2);
  const timeout = stringOption(parsed, 'approval-timeout');
  let approvalTimeoutMs: number | undefined;
  if (timeout !== undefined) {
    approvalTimeoutMs = parseDuration(timeout);
    if (
      approvalTimeoutMs === undefined ||
      approvalTimeoutMs < MIN_APPROVAL_TIMEOUT_MS ||
      approvalTimeoutMs > MAX_APPROVAL_TIMEOUT_MS
    ) {
      throw new CliError(
        `--approval-timeout "${timeout}": expected a duration from 1s to 30d such as 90s, 30m, 24h or 2d`,
        2,
      );
    }
  }
  return { approval: mode as CampaignRequest['approval'], approvalTimeoutMs };
}

function approvalOf(request: ParsedCampaignRequest, plan: CampaignPlan): ApprovalRequirement {
  return approvalRequirement(
    request.approval ?? 'auto',
    {
      hostCount: plan.hostCount,
      portCount: plan.portCount,
      sensitiveTargets: plan.scope.sensitiveTargets,
      serviceDetection: request.serviceDetection,
    },
    ApprovalPolicy.parse(request.approvalPolicy ?? {}),
  );
}

function formatApprovalPlan(request: ParsedCampaignRequest, approval: ApprovalRequirement): string {
  if (approval.kind !== 'ask')
    return `policy:   runs without approval (${request.approval ?? 'auto'})`;
  const timeout = formatDuration(request.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS);
  return `policy:   waits up to ${timeout} for approval: ${formatApprovalReasons(approval.reasons)}`;
}
