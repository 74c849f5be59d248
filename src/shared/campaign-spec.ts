import { z } from 'zod';
import {
  ApprovalMode,
  ApprovalPolicy,
  DEFAULT_APPROVAL_TIMEOUT_MS,
  approvalRequirement,
  type ApprovalRequirement,
} from './approval.js';
import type { CampaignPlan } from './campaign-plan.js';
import { CampaignTuning } from './campaign-tuning.js';
import type { ParsedCampaignRequest, SkippedTarget } from './campaign.js';
import { ScanEngineName } from './observation.js';
import { SiteName } from './site.js';
import { parseScope, isAddressInScope, isAddressSensitive, type Scope } from './scope.js';
import {
  formatTargets,
  parseExclusions,
  parseTargets,
  sliceTargets,
  type TargetSet,
} from './target-spec.js';
import { coversInterval, parseAddress, type AddressInterval } from './address-intervals.js';

/**
 * The canonical campaign: what `Campaigns.submit` makes of a request, once.
 * JSON-safe (IPv6 bounds as decimal strings) and small for any input whose
 * addresses form few ranges: a pasted list of 65,536 consecutive addresses
 * (~1 MB of text) becomes one interval. The workflow runs from it, keeps it
 * in its state, and hands each batch only `{ offset, count }` into it.
 */

/** Bumped when the spec's shape changes: a workflow refuses a spec of another version. */
export const CAMPAIGN_SPEC_VERSION = 2;

const Ipv4Range = z.tuple([z.number().int().min(0), z.number().int().min(0)]);
const Ipv6Range = z.tuple([z.string(), z.string()]);
const AddressRanges = z.object({
  ipv4: z.array(Ipv4Range),
  ipv6: z.array(Ipv6Range),
  hostnames: z.array(z.string()),
});
export type AddressRanges = z.infer<typeof AddressRanges>;

export const CampaignSpec = z.object({
  version: z.literal(CAMPAIGN_SPEC_VERSION),
  name: z.string(),
  /** Target order: IPv4 ranges, IPv6 ranges, then hostnames (resolved by the workflow). */
  targets: AddressRanges,
  /** What the lists exclude, applied again to the addresses hostnames resolve to. */
  excluded: AddressRanges,
  counts: z.object({
    hosts: z.number().int().min(1),
    addresses: z.number().int().min(0),
    hostnames: z.number().int().min(0),
    ports: z.number().int().min(1),
    probes: z.number().int().min(1),
  }),
  /** Compact port list (`22,80,8000-8100`). */
  ports: z.string(),
  /** Canonical scope entries (`!` marks an excluded network). */
  scope: z.array(z.object({ network: z.string(), sensitive: z.boolean() })),
  /** Included scope networks: what the campaign locks. */
  lockNetworks: z.array(z.string()),
  engine: ScanEngineName,
  /** The site whose workers scan the batches (src/shared/site.ts); none: the host's Scanner. */
  site: SiteName.optional(),
  tuning: CampaignTuning,
  probe: z.object({
    serviceDetection: z.boolean().optional(),
    connectTimeoutMs: z.number().int().optional(),
    ratePerSecond: z.number().int().optional(),
  }),
  approval: z.object({
    mode: ApprovalMode,
    timeoutMs: z.number().int().min(1),
    policy: ApprovalPolicy,
    /** Address target tokens reaching a sensitive network; hostnames are added once resolved. */
    sensitiveTargets: z.array(z.string()),
  }),
});
export type CampaignSpec = z.infer<typeof CampaignSpec>;

/** What the workflow's durable resolution step found for each hostname target. */
export const HostnameResolution = z.object({
  /** Hostname to the address it is scanned at. */
  resolved: z.record(z.string(), z.string()),
  /** Hostname to why it is not scanned. */
  skipped: z.record(z.string(), z.string()),
});
export type HostnameResolution = z.infer<typeof HostnameResolution>;

export const NO_HOSTNAMES: HostnameResolution = { resolved: {}, skipped: {} };

/** One batch's window of the spec, as the Scanner probes it. */
export const BatchWindow = z.object({
  /** IP literals, in target order, duplicates removed. */
  addresses: z.array(z.string()),
  /** Hostname the analyst typed, by the address it resolved to. */
  hostnames: z.record(z.string(), z.string()),
  skipped: z.array(z.object({ target: z.string(), reason: z.string() })),
  ports: z.string(),
  probe: CampaignSpec.shape.probe,
  /** Targets in the window (addresses plus hostnames, scanned or skipped). */
  targets: z.number().int().min(0),
});
export type BatchWindow = z.infer<typeof BatchWindow>;

function rangesOf(intervals: readonly AddressInterval[], hostnames: string[]): AddressRanges {
  return {
    ipv4: intervals
      .filter((interval) => interval.family === 4)
      .map((interval) => [Number(interval.first), Number(interval.last)]),
    ipv6: intervals
      .filter((interval) => interval.family === 6)
      .map((interval) => [interval.first.toString(), interval.last.toString()]),
    hostnames,
  };
}

/** Builds the spec from a request that validated (see validateCampaignRequest) and its plan. */
export function buildCampaignSpec(
  request: ParsedCampaignRequest,
  plan: CampaignPlan,
  engine: ScanEngineName,
): CampaignSpec {
  const targets = parseTargets(request.targets, request.exclusions ?? '', {
    maxHosts: plan.maxHosts,
  });
  const scope = parseScope(request.scope);
  if (!targets.ok || !scope.ok) throw new Error('buildCampaignSpec: the request did not validate');
  const excluded = parseExclusions(request.targets, request.exclusions ?? '');
  return {
    version: CAMPAIGN_SPEC_VERSION,
    name: request.name,
    targets: {
      ipv4: targets.value.ipv4.map((interval) => [interval.first, interval.last]),
      ipv6: targets.value.ipv6.map((interval) => [
        interval.first.toString(),
        interval.last.toString(),
      ]),
      hostnames: targets.value.hostnames,
    },
    excluded: rangesOf(excluded.intervals, excluded.hostnames),
    counts: {
      hosts: plan.hostCount,
      addresses: plan.addressCount,
      hostnames: plan.hostnameCount,
      ports: plan.portCount,
      probes: plan.probeCount,
    },
    ports: plan.ports,
    scope: scope.value.networks.map(({ network, sensitive }) => ({ network, sensitive })),
    lockNetworks: [
      ...new Set(
        scope.value.networks
          .filter((network) => !network.excluded)
          .map((network) => network.network),
      ),
    ],
    engine,
    site: request.site,
    tuning: plan.tuning,
    probe: {
      serviceDetection: request.serviceDetection,
      connectTimeoutMs: request.connectTimeoutMs,
      ratePerSecond: request.ratePerSecond,
    },
    approval: {
      mode: request.approval ?? 'auto',
      timeoutMs: request.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
      policy: ApprovalPolicy.parse(request.approvalPolicy ?? {}),
      sensitiveTargets: plan.scope.sensitiveTargets,
    },
  };
}

const targetSets = new WeakMap<CampaignSpec, TargetSet>();

/** The spec's targets as a TargetSet (built once per spec object) for counting and slicing. */
export function targetSetOf(spec: CampaignSpec): TargetSet {
  let set = targetSets.get(spec);
  if (!set) {
    set = {
      ipv4: spec.targets.ipv4.map(([first, last]) => ({ first, last })),
      ipv6: spec.targets.ipv6.map(([first, last]) => ({
        first: BigInt(first),
        last: BigInt(last),
      })),
      hostnames: spec.targets.hostnames,
      sources: [],
    };
    targetSets.set(spec, set);
  }
  return set;
}

const scopes = new WeakMap<CampaignSpec, Scope>();

export function scopeOf(spec: CampaignSpec): Scope {
  let scope = scopes.get(spec);
  if (!scope) {
    const parsed = parseScope(spec.scope);
    if (!parsed.ok) throw new Error('the campaign spec holds a scope that does not parse');
    scope = parsed.value;
    scopes.set(spec, scope);
  }
  return scope;
}

/** Whether an address is excluded by the campaign's exclusion lists. */
export function isAddressExcluded(spec: CampaignSpec, address: string): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  const ranges =
    parsed.family === 4
      ? spec.excluded.ipv4.map(([first, last]) => ({
          family: 4 as const,
          first: BigInt(first),
          last: BigInt(last),
        }))
      : spec.excluded.ipv6.map(([first, last]) => ({
          family: 6 as const,
          first: BigInt(first),
          last: BigInt(last),
        }));
  return coversInterval(ranges, { family: parsed.family, first: parsed.value, last: parsed.value });
}

/**
 * Where a resolved hostname may be scanned: undefined when it may, else why not
 * (outside the scope, or excluded by address whatever the name).
 */
export function resolvedAddressRefusal(spec: CampaignSpec, address: string): string | undefined {
  if (isAddressExcluded(spec, address)) return `resolves to ${address}, excluded`;
  if (!isAddressInScope(address, scopeOf(spec))) return `resolves to ${address}, outside scope`;
  return undefined;
}

/** Hostnames whose resolved address lies in a sensitive network. */
export function sensitiveHostnames(spec: CampaignSpec, resolution: HostnameResolution): string[] {
  const scope = scopeOf(spec);
  return Object.entries(resolution.resolved)
    .filter(([, address]) => isAddressSensitive(address, scope))
    .map(([hostname, address]) => `${hostname} (${address})`);
}

/** The policy's answer for the campaign, counting hostnames by the addresses they resolved to. */
export function specApprovalRequirement(
  spec: CampaignSpec,
  resolution: HostnameResolution = NO_HOSTNAMES,
): ApprovalRequirement {
  return approvalRequirement(
    spec.approval.mode,
    {
      hostCount: spec.counts.hosts,
      portCount: spec.counts.ports,
      sensitiveTargets: [
        ...spec.approval.sensitiveTargets,
        ...sensitiveHostnames(spec, resolution),
      ],
      serviceDetection: spec.probe.serviceDetection,
    },
    spec.approval.policy,
  );
}

/** The window [offset, offset + count) of the target order, hostnames replaced by their addresses. */
export function batchWindowOf(
  spec: CampaignSpec,
  resolution: HostnameResolution,
  offset: number,
  count: number,
): BatchWindow {
  const targets = sliceTargets(targetSetOf(spec), offset, count);
  const addresses: string[] = [];
  const seen = new Set<string>();
  const hostnames: Record<string, string> = {};
  const skipped: SkippedTarget[] = [];
  for (const target of targets) {
    let address = target;
    if (parseAddress(target) === undefined) {
      const resolved = resolution.resolved[target];
      if (resolved === undefined) {
        skipped.push({ target, reason: resolution.skipped[target] ?? 'not resolved' });
        continue;
      }
      address = resolved;
      hostnames[address] = target;
    }
    if (!seen.has(address)) addresses.push(address);
    seen.add(address);
  }
  return {
    addresses,
    hostnames,
    skipped,
    ports: spec.ports,
    probe: spec.probe,
    targets: targets.length,
  };
}

/** The request as the report shows it: canonical targets (exclusions applied) and the chosen tuning. */
export function requestOfSpec(spec: CampaignSpec): ParsedCampaignRequest {
  return {
    name: spec.name,
    targets: formatTargets(targetSetOf(spec)),
    ports: spec.ports,
    scope: spec.scope,
    engine: spec.engine,
    batchSize: spec.tuning.batchSize,
    batchesInFlight: spec.tuning.batchesInFlight,
    serviceDetection: spec.probe.serviceDetection,
    connectTimeoutMs: spec.probe.connectTimeoutMs,
    ratePerSecond: spec.probe.ratePerSecond,
    approval: spec.approval.mode,
    approvalTimeoutMs: spec.approval.timeoutMs,
    approvalPolicy: spec.approval.policy,
  };
}
