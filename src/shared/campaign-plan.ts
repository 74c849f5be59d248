import { z } from 'zod';
import {
  type InputIssue,
  type ParseResult,
  IssueCollector,
  fieldIssue,
  reportIssues,
} from './input-error';
import { formatPorts, parsePorts } from './port-spec';
import { type Scope, ScopeEntryShape, checkScope, parseScope } from './scope';
import {
  DEFAULT_MAX_HOSTS,
  type TargetSet,
  countAddresses,
  countTargets,
  isHostLimitIssue,
  parseTargets,
  sliceTargets,
} from './target-spec';
import {
  CampaignTuning,
  MAX_BATCH_SIZE,
  MAX_BATCHES_IN_FLIGHT,
  chooseTuning,
  formatTuning,
} from './campaign-tuning';

/**
 * The dry run of a campaign: every input parsed and checked, and what the
 * campaign would do, without touching the network. `spectra scan --dry-run`
 * prints it; the workflow starts only from inputs that plan cleanly.
 */

export { MAX_BATCH_SIZE } from './campaign-tuning';
/** Cores assumed when the caller does not say (the dry run and the form pass the real count). */
export const DEFAULT_CORES = 2;
const FIRST_TARGETS_SHOWN = 10;
const PORTS_SUMMARY_LENGTH = 60;
/** Beyond the whole IPv4 space a limit means nothing, and probe counts must stay exact numbers. */
export const HOST_LIMIT_CEILING = 2 ** 32;

/** `auto` picks nmap when it is installed and the built-in TCP engine otherwise. */
export const ScanEngineChoice = z.enum(['auto', 'builtin', 'nmap']);
export type ScanEngineChoice = z.infer<typeof ScanEngineChoice>;

/** The shape of a campaign request; {@link CampaignPlanInput} adds the parsing. */
export const CampaignPlanInputShape = z.object({
  targets: z.string(),
  exclusions: z.string().optional(),
  ports: z.string(),
  /** Text form or structured entries; see src/shared/scope.ts. */
  scope: z.union([z.string(), z.array(ScopeEntryShape)]),
  batchSize: z.number().optional(),
  batchesInFlight: z.number().optional(),
  engine: ScanEngineChoice.optional(),
  maxHosts: z.number().optional(),
});
export type CampaignPlanInputShape = z.infer<typeof CampaignPlanInputShape>;

export const CampaignPlan = z.object({
  /** Every target: addresses plus hostnames (each hostname counts once before resolution). */
  hostCount: z.number().int().min(1),
  addressCount: z.number().int().min(0),
  hostnameCount: z.number().int().min(0),
  portCount: z.number().int().min(1),
  /** hostCount x portCount; a hostname resolving to several addresses adds probes at run time. */
  probeCount: z.number().int().min(1),
  batchSize: z.number().int().min(1),
  batchCount: z.number().int().min(1),
  /** Batch size, batches in flight and whether they were chosen for the campaign (see campaign-tuning.ts). */
  tuning: CampaignTuning,
  maxHosts: z.number().int().min(1),
  engine: ScanEngineChoice,
  /** What `auto` resolves to where the plan was made (the host, or the CLI's dry run), when known. */
  autoEngine: z.enum(['builtin', 'nmap']).optional(),
  scope: z.object({
    networks: z.array(
      z.object({ network: z.string(), sensitive: z.boolean(), excluded: z.boolean() }),
    ),
    /** Target tokens that reach into a sensitive network: the campaign asks for approval first. */
    sensitiveTargets: z.array(z.string()),
  }),
  firstTargets: z.array(z.string()).max(FIRST_TARGETS_SHOWN),
  /** Compact form for nmap's `-p`: `22,80,8000-8100`. */
  ports: z.string(),
  /** Short, printable: `22,80,8000-8100 (103 ports)`. */
  portsSummary: z.string(),
});
export type CampaignPlan = z.infer<typeof CampaignPlan>;

function summarizePorts(spec: string, count: number): string {
  const shown =
    spec.length <= PORTS_SUMMARY_LENGTH
      ? spec
      : `${spec.slice(0, spec.lastIndexOf(',', PORTS_SUMMARY_LENGTH))},…`;
  return `${shown} (${plural(count, 'port', 'ports')})`;
}

function checkCount(
  value: number | undefined,
  field: 'batchSize' | 'batchesInFlight' | 'maxHosts',
  fallback: number | undefined,
  maximum: number,
  collector: IssueCollector,
): number | undefined {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > maximum) {
    collector.add(fieldIssue(field, `must be a whole number from 1 to ${maximum}`));
    return fallback;
  }
  return value;
}

/** Where the campaign will run: the engine chosen for `auto` and the cores, for the tuning. */
export interface PlanEnvironment {
  engine?: ScanEngineChoice;
  cores?: number;
}

/** Parses and checks every input, collecting all issues; pure and deterministic. */
export function planCampaign(
  input: CampaignPlanInputShape,
  environment: PlanEnvironment = {},
): ParseResult<CampaignPlan> {
  const collector = new IssueCollector();
  const batchSize = checkCount(input.batchSize, 'batchSize', undefined, MAX_BATCH_SIZE, collector);
  const batchesInFlight = checkCount(
    input.batchesInFlight,
    'batchesInFlight',
    undefined,
    MAX_BATCHES_IN_FLIGHT,
    collector,
  );
  const maxHosts =
    checkCount(input.maxHosts, 'maxHosts', DEFAULT_MAX_HOSTS, HOST_LIMIT_CEILING, collector) ??
    DEFAULT_MAX_HOSTS;

  const targets = parseTargets(input.targets, input.exclusions ?? '', { maxHosts });
  const ports = parsePorts(input.ports);
  const scope = parseScope(input.scope);
  for (const result of [targets, ports, scope]) if (!result.ok) collector.addAll(result.issues);

  let sensitiveTargets: string[] = [];
  // A campaign too large to run is still checked against the scope: "outside scope" is the
  // more important news about `0.0.0.0/0`.
  const targetsToCheck =
    targets.ok || !targets.issues.every(isHostLimitIssue)
      ? targets
      : parseTargets(input.targets, input.exclusions ?? '', { maxHosts: Number.POSITIVE_INFINITY });
  if (targetsToCheck.ok && scope.ok) {
    const check = checkScope(targetsToCheck.value, scope.value);
    collector.addAll(check.issues);
    sensitiveTargets = check.sensitiveTokens;
  }
  if (collector.issues.length > 0 || !targets.ok || !ports.ok || !scope.ok) {
    return { ok: false, issues: collector.issues };
  }
  return {
    ok: true,
    value: buildPlan(targets.value, ports.value, scope.value, sensitiveTargets, {
      batchSize,
      batchesInFlight,
      maxHosts,
      engine: input.engine ?? 'auto',
      environment,
    }),
  };
}

function buildPlan(
  targets: TargetSet,
  ports: number[],
  scope: Scope,
  sensitiveTargets: string[],
  settings: {
    batchSize: number | undefined;
    batchesInFlight: number | undefined;
    maxHosts: number;
    engine: ScanEngineChoice;
    environment: PlanEnvironment;
  },
): CampaignPlan {
  const hostCount = countTargets(targets);
  const portSpec = formatPorts(ports);
  const tuning = chooseTuning({
    hostCount,
    portCount: ports.length,
    engine: settings.environment.engine ?? settings.engine,
    cores: settings.environment.cores ?? DEFAULT_CORES,
    batchSize: settings.batchSize,
    batchesInFlight: settings.batchesInFlight,
  });
  return {
    hostCount,
    addressCount: countAddresses(targets),
    hostnameCount: targets.hostnames.length,
    portCount: ports.length,
    probeCount: hostCount * ports.length,
    batchSize: tuning.batchSize,
    batchCount: tuning.batchCount,
    tuning,
    maxHosts: settings.maxHosts,
    engine: settings.engine,
    ...(settings.engine === 'auto' &&
      settings.environment.engine !== undefined &&
      settings.environment.engine !== 'auto' && { autoEngine: settings.environment.engine }),
    scope: {
      networks: scope.networks.map(({ network, sensitive, excluded }) => ({
        network,
        sensitive,
        excluded,
      })),
      sensitiveTargets,
    },
    firstTargets: sliceTargets(targets, 0, FIRST_TARGETS_SHOWN),
    ports: portSpec,
    portsSummary: summarizePorts(portSpec, ports.length),
  };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Human-readable plan for the CLI's `--dry-run`. */
export function formatCampaignPlan(plan: CampaignPlan): string {
  const more = plan.hostCount > plan.firstTargets.length ? ', …' : '';
  const networks = plan.scope.networks
    .map((entry) => entry.network + (entry.sensitive ? ' (sensitive)' : ''))
    .join(', ');
  const lines = [
    `targets:  ${plan.hostCount} (${plural(plan.addressCount, 'address', 'addresses')}, ${plural(plan.hostnameCount, 'hostname', 'hostnames')})`,
    `first:    ${plan.firstTargets.join(', ')}${more}`,
    `ports:    ${plan.portsSummary}`,
    `probes:   ${plan.probeCount}`,
    `batches:  ${formatTuning(plan.tuning)}`,
    `engine:   ${plan.autoEngine ? `${plan.autoEngine} (auto)` : plan.engine}`,
    `scope:    ${networks}`,
  ];
  if (plan.scope.sensitiveTargets.length > 0) {
    lines.push(
      `approval: needed, sensitive networks reached by ${plan.scope.sensitiveTargets.join(', ')}`,
    );
  }
  return lines.join('\n');
}

function issuePath(issue: InputIssue): PropertyKey[] {
  return [issue.field];
}

/**
 * A campaign request whose every field parses and whose targets are in scope;
 * each issue is reported at its field's path with `{field, token, line, reason}`
 * in `params`, so a form can mark the offending line.
 */
export const CampaignPlanInput = CampaignPlanInputShape.superRefine((input, context) => {
  const result = planCampaign(input);
  if (!result.ok) reportIssues(context, input, result.issues, issuePath);
});
export type CampaignPlanInput = z.infer<typeof CampaignPlanInput>;
