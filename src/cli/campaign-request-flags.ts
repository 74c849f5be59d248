import { SiteName } from '../shared/site.js';
import { readFileSync } from 'node:fs';
import { CAMPAIGN_LIMITS } from '../shared/campaign-limits.js';
import {
  ApprovalMode,
  MAX_APPROVAL_TIMEOUT_MS,
  MIN_APPROVAL_TIMEOUT_MS,
  parseDuration,
} from '../shared/approval.js';
import type { CampaignRequest } from '../shared/campaign.js';
import { CampaignRequestInvalid } from '../services/campaigns/campaign-validation.js';
import { CliError } from './cli-error.js';
import { integerOption, stringOption, type Command, type ParsedCommand } from './command.js';

/** The flags that describe a campaign, shared by `spectra scan` and `spectra schedule`. */
export const CAMPAIGN_REQUEST_OPTIONS: Command['options'] = {
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
  site: { type: 'string' },
};

export const CAMPAIGN_REQUEST_USAGE = `  --targets LIST        IPs, CIDRs, ranges (10.0.0.1-20), hostnames; comma or newline separated
  --targets-file FILE   read targets from a file (one per line, # comments)
  --exclude LIST        targets to leave out
  --ports LIST          22,80,8000-8100 or a preset: top-100, top-1000
  --scope NETS          networks the campaign may touch (required); add "sensitive" after one to mark it
  --name NAME           campaign name (default: the targets)
  --engine E            auto (nmap if installed), builtin or nmap (default auto)
  --service-detection   nmap -sV (slower, intrusive)
  --batch N             targets per batch (default: chosen from hosts x ports, engine, cores)
  --in-flight N         batches scanned at once (default: chosen likewise; see --dry-run)
  --timeout MS          built-in engine connect timeout
  --rate N              built-in engine: new connections per second
  --approval MODE       auto (ask when the policy flags the campaign), required or never (default auto)
  --approval-timeout D  how long to wait for a decision: 90s, 30m, 24h, 2d (default 24h)
  --site NAME           cluster mode: only the workers of this site scan the campaign`;

/** Builds the campaign request from the flags; a missing or malformed flag is a one-line usage error. */
export function campaignRequestFrom(parsed: ParsedCommand, command: string): CampaignRequest {
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
  if (!targets.trim()) throw new CliError(`${command}: --targets or --targets-file is required`, 2);
  const ports = stringOption(parsed, 'ports');
  if (!ports)
    throw new CliError(
      `${command}: --ports is required (e.g. --ports 22,80 or --ports top-100)`,
      2,
    );
  const scope = stringOption(parsed, 'scope');
  if (!scope)
    throw new CliError(`${command}: --scope is required: the networks this campaign may touch`, 2);
  const engine = stringOption(parsed, 'engine') ?? 'auto';
  if (!['auto', 'builtin', 'nmap'].includes(engine)) {
    throw new CliError(`--engine "${engine}": expected auto, builtin or nmap`, 2);
  }
  return {
    ...approvalOptions(parsed),
    name:
      stringOption(parsed, 'name') ??
      targets.split(/[\n,]/)[0]!.trim().slice(0, CAMPAIGN_LIMITS.nameLength),
    targets,
    exclusions: stringOption(parsed, 'exclude'),
    ports,
    scope,
    engine: engine as CampaignRequest['engine'],
    serviceDetection: parsed.values['service-detection'] ? true : undefined,
    batchSize: integerOption(parsed, 'batch', CAMPAIGN_LIMITS.batchSize),
    batchesInFlight: integerOption(parsed, 'in-flight', CAMPAIGN_LIMITS.batchesInFlight),
    connectTimeoutMs: integerOption(parsed, 'timeout', CAMPAIGN_LIMITS.connectTimeoutMs),
    ratePerSecond: integerOption(parsed, 'rate', CAMPAIGN_LIMITS.ratePerSecond),
    site: siteOption(parsed),
  };
}

/**
 * Runs a check of campaign-validation.ts; a refused request is the one CLI
 * error of `spectra scan` and `spectra schedule`: the refusal, then each
 * problem on its own line, exit code 2.
 */
export function refuseInvalidRequest<T>(refusal: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof CampaignRequestInvalid)
      throw new CliError(`${refusal}:\n  ${error.problems.join('\n  ')}`, 2);
    throw error;
  }
}

function siteOption(parsed: ParsedCommand): string | undefined {
  const site = stringOption(parsed, 'site');
  if (site !== undefined && !SiteName.safeParse(site).success)
    throw new CliError(
      `--site "${site.slice(0, 40)}": lower-case letters, digits and "-", at most 32`,
      2,
    );
  return site;
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
