import { SiteName } from './site.js';
import { z } from 'zod';
import {
  ApprovalMode,
  ApprovalPolicy,
  ApprovalTimeoutMs,
  CampaignApprovalView,
  approvalRequirement,
  formatApprovalReasons,
  type ApprovalRequirement,
} from './approval.js';
import {
  CampaignPlanInputShape,
  ScanEngineChoice,
  planCampaign,
  type CampaignPlan,
} from './campaign-plan.js';
import { CAMPAIGN_LIMITS } from './campaign-limits.js';
import { CampaignTuning } from './campaign-tuning.js';
import { HostSummary, Observation, ScanEngineName } from './observation.js';
import { PackedFindings, packFindings, unpackFindings } from './packed-findings.js';
import { EpssScore, Finding, KevEntry, Severity } from './vulnerability.js';

export { MAX_BATCHES_PER_CAMPAIGN } from './campaign-tuning.js';

/** What the analyst submits. Text fields use the syntax of src/shared/target-spec.ts and friends. */
export const CampaignRequest = CampaignPlanInputShape.extend({
  name: z
    .string()
    .trim()
    .min(1, 'required')
    .max(CAMPAIGN_LIMITS.nameLength, `at most ${CAMPAIGN_LIMITS.nameLength} characters`),
  engine: ScanEngineChoice.default('auto'),
  /** Batches scanned in parallel (each a sub-invocation of the Scanner service). */
  batchesInFlight: z
    .number()
    .int()
    .min(CAMPAIGN_LIMITS.batchesInFlight.min)
    .max(CAMPAIGN_LIMITS.batchesInFlight.max)
    .optional(),
  /** nmap `-sV`: identify products and versions (slower, intrusive). */
  serviceDetection: z.boolean().optional(),
  /** Built-in engine tuning; defaults suit a lab. */
  connectTimeoutMs: z
    .number()
    .int()
    .min(CAMPAIGN_LIMITS.connectTimeoutMs.min)
    .max(CAMPAIGN_LIMITS.connectTimeoutMs.max)
    .optional(),
  ratePerSecond: z
    .number()
    .int()
    .min(CAMPAIGN_LIMITS.ratePerSecond.min)
    .max(CAMPAIGN_LIMITS.ratePerSecond.max)
    .optional(),
  /** See src/shared/approval.ts: `auto` (the default) asks when the policy flags the campaign. */
  approval: ApprovalMode.optional(),
  /** How long to wait for a decision (default 24 h); the campaign is rejected after it. */
  approvalTimeoutMs: ApprovalTimeoutMs.optional(),
  /** Overrides of the default approval thresholds for this campaign. */
  approvalPolicy: ApprovalPolicy.partial().optional(),
  /** The site (worker pool) that scans this campaign; see src/shared/site.ts. */
  site: SiteName.optional(),
}).superRefine((request, context) => {
  // Only `never` can be refused here; every other mode is decided by the workflow.
  if (request.approval !== 'never') return;
  const plan = planCampaign(request);
  if (!plan.ok) return; // reported by the plan's own validation
  const requirement = campaignApprovalRequirement(request, plan.value);
  if (requirement.kind === 'refuse') {
    context.addIssue({
      code: 'custom',
      path: ['approval'],
      message: `mode never refused, this campaign needs approval: ${formatApprovalReasons(requirement.reasons)}`,
    });
  }
});
export type CampaignRequest = z.input<typeof CampaignRequest>;

/**
 * What the approval policy says about a campaign, from its request (mode,
 * intrusive options, policy overrides) and its plan (sizes, sensitive targets).
 * The one place submission, the workflow and the CLI's dry run ask it.
 */
export function campaignApprovalRequirement(
  request: Pick<CampaignRequest, 'approval' | 'serviceDetection' | 'approvalPolicy'>,
  plan: CampaignPlan,
): ApprovalRequirement {
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
export type ParsedCampaignRequest = z.output<typeof CampaignRequest>;

export const CampaignState = z.enum([
  'validating',
  /** Waiting for an analyst's decision (see `approval` in the progress). */
  'awaiting-approval',
  /** Waiting for a scope lock held by another campaign (see `queue` in the progress). */
  'queued',
  'scanning',
  'correlating',
  'completed',
  'cancelled',
  'failed',
  /** Rejected by an analyst or by the approval timeout: nothing was scanned. */
  'rejected',
]);
export type CampaignState = z.infer<typeof CampaignState>;

export const FINISHED_CAMPAIGN_STATES: readonly CampaignState[] = [
  'completed',
  'cancelled',
  'failed',
  'rejected',
];

export const SeverityCounts = z.record(Severity, z.number().int().min(0));
export type SeverityCounts = z.infer<typeof SeverityCounts>;

export function emptySeverityCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, none: 0 };
}

export const BatchState = z.enum(['pending', 'running', 'done', 'failed', 'cancelled']);
export type BatchState = z.infer<typeof BatchState>;

/**
 * One batch: the window [offset, offset+count) of the campaign's target order.
 * The Scanner reads the window's targets, ports and probe options from the
 * campaign spec in the workflow's state (`CampaignWorkflow.batchWindow`), so
 * no batch carries the request.
 */
export const BatchJob = z.object({
  campaignId: z.string().min(1),
  index: z.number().int().min(0),
  offset: z.number().int().min(0),
  count: z.number().int().min(1).max(4096),
  engine: ScanEngineName,
});
export type BatchJob = z.infer<typeof BatchJob>;

/** What a batch tells the workflow: small on purpose, the full result goes to CampaignResults. */
export const BatchSummary = z.object({
  index: z.number().int(),
  state: BatchState,
  targets: z.number().int(),
  hostsUp: z.number().int(),
  openPorts: z.number().int(),
  findings: SeverityCounts,
  error: z.string().optional(),
});
export type BatchSummary = z.infer<typeof BatchSummary>;

/** A hostname that could not be scanned, with why. */
export const SkippedTarget = z.object({ target: z.string(), reason: z.string() });
export type SkippedTarget = z.infer<typeof SkippedTarget>;

/** Everything one batch produced, kept in the CampaignResults object (one state entry per batch). */
export const BatchResult = z.object({
  index: z.number().int(),
  state: BatchState,
  /** Targets in the batch's window (scanned, skipped or failed); see campaign-totals.ts. */
  targets: z.number().int().min(0).optional(),
  engine: ScanEngineName,
  hosts: z.array(HostSummary),
  observations: z.array(Observation),
  /**
   * Packed (see packed-findings.ts); a plain array in batches stored before
   * packing, which reports, exports and re-matches still read. Read it with
   * {@link findingsOfBatch}.
   */
  findings: z.union([PackedFindings, z.array(Finding)]),
  skipped: z.array(SkippedTarget),
  startedAt: z.string(),
  finishedAt: z.string(),
  error: z.string().optional(),
});
export type BatchResult = z.infer<typeof BatchResult>;

/**
 * A batch's findings packed, whichever form it was stored in: for readers that
 * go through every finding of a campaign (a report of a /16 has hundreds of
 * thousands) without building each one.
 */
export function packedFindingsOfBatch(batch: Pick<BatchResult, 'findings'>): PackedFindings {
  return Array.isArray(batch.findings) ? packFindings(batch.findings) : batch.findings;
}

/** A batch's findings, one per (service, CVE), whichever form it was stored in. */
export function findingsOfBatch(batch: Pick<BatchResult, 'findings'>): Finding[] {
  return Array.isArray(batch.findings) ? batch.findings : unpackFindings(batch.findings);
}

export const CampaignTotals = z.object({
  targets: z.number().int(),
  targetsDone: z.number().int(),
  hostsUp: z.number().int(),
  openPorts: z.number().int(),
  findings: SeverityCounts,
});
export type CampaignTotals = z.infer<typeof CampaignTotals>;

export const AuditEntry = z.object({
  at: z.string(),
  event: z.string(),
  detail: z.string().optional(),
  actor: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** A campaign holding, or waiting for, scope locks; one entry in the ScopeLocks object. */
export const ScopeLockEntry = z.object({
  campaignId: z.string(),
  name: z.string(),
  /** Canonical scope networks (`127.60.0.0/24`, `10.0.0.1-10.0.0.9`), exclusions left out. */
  networks: z.array(z.string()),
  since: z.string(),
});
export type ScopeLockEntry = z.infer<typeof ScopeLockEntry>;

/** Everything ScopeLocks knows: who holds which networks, who waits, in order. */
export const ScopeLockStatus = z.object({
  holders: z.array(ScopeLockEntry),
  queue: z.array(ScopeLockEntry.extend({ position: z.number().int().min(1) })),
});
export type ScopeLockStatus = z.infer<typeof ScopeLockStatus>;

/** Targets a campaign is scanning right now: one entry in the ScanMarks object. */
export const ScanMark = z.object({
  campaignId: z.string(),
  name: z.string(),
  /** Canonical targets, one interval or hostname each (see formatTargets), at most MAX_MARKED_TARGETS. */
  targets: z.array(z.string()),
  /** Entries left out of `targets` to keep the mark small. */
  moreTargets: z.number().int().min(0),
  markedAt: z.string(),
});
export type ScanMark = z.infer<typeof ScanMark>;
export const MAX_MARKED_TARGETS = 1000;

/** Where a queued campaign stands: `position` 1 is next. */
export const CampaignQueueView = z.object({
  position: z.number().int().min(1),
  /** Campaigns holding or ahead in the queue for an overlapping network. */
  blockedBy: z.array(z.string()),
  queuedAt: z.string(),
});
export type CampaignQueueView = z.infer<typeof CampaignQueueView>;

/**
 * What the running batches have done so far, beside the durable (per-batch)
 * totals: live and best effort, never journaled, absent when unknown (a scanner
 * on a cluster worker, a batch resumed after a restart). See
 * src/services/scanner/live-batch-progress.ts.
 */
export const LiveCampaignProgress = z.object({
  /** Hosts whose every probe has finished, in batches still running (not yet in `totals`). */
  hostsScanned: z.number().int().min(0),
});
export type LiveCampaignProgress = z.infer<typeof LiveCampaignProgress>;

/** Live view of a running campaign: the workflow's `progress` shared handler. */
export const CampaignProgress = z.object({
  campaignId: z.string(),
  name: z.string(),
  state: CampaignState,
  engine: ScanEngineName.optional(),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  totals: CampaignTotals,
  batchSize: z.number().int(),
  /** Batch size and batches in flight the campaign runs with. */
  tuning: CampaignTuning.optional(),
  batches: z.array(BatchSummary),
  error: z.string().optional(),
  /** Set once the campaign asked for approval; kept (with its outcome) after the decision. */
  approval: CampaignApprovalView.optional(),
  /** Set while the campaign waits for a scope lock (state `queued`). */
  queue: CampaignQueueView.optional(),
  /** Hosts finished inside running batches, when this process knows them. */
  live: LiveCampaignProgress.optional(),
});
export type CampaignProgress = z.infer<typeof CampaignProgress>;

/** Where a campaign's results came from: scanned by Spectra-Red, or imported from a scanner's file. */
export const CampaignSource = z.enum(['scan', 'import']);
export type CampaignSource = z.infer<typeof CampaignSource>;

/** A campaign as the index lists it. Lives forever in the CampaignIndex object. */
export const CampaignListing = z.object({
  campaignId: z.string(),
  name: z.string(),
  scope: z.string(),
  /** Absent on scans (and campaigns older than imports). */
  source: CampaignSource.optional(),
  state: CampaignState,
  engine: ScanEngineName.optional(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  totals: CampaignTotals,
});
export type CampaignListing = z.infer<typeof CampaignListing>;

export const ReportPort = z.object({
  port: z.number().int(),
  service: z.string().optional(),
  product: z.string().optional(),
  version: z.string().optional(),
  banner: z.string().optional(),
  /** CPE 2.3 name the engine observed (nmap -sV, or a built-in rule that names one). */
  cpe: z.string().optional(),
  cves: z.array(z.string()),
});
export const ReportHost = z.object({
  host: z.string(),
  hostname: z.string().optional(),
  ports: z.array(ReportPort),
});
export type ReportHost = z.infer<typeof ReportHost>;

export const ReportThreat = z.object({
  cve: z.string(),
  severity: Severity,
  cvssScore: z.number(),
  cvssVector: z.string().optional(),
  /** CISA KEV entry and FIRST EPSS score, when their feeds were loaded at match time. */
  kev: KevEntry.optional(),
  epss: EpssScore.optional(),
  summary: z.string(),
  product: z.string(),
  affected: z.array(z.object({ host: z.string(), port: z.number().int(), version: z.string() })),
});
export type ReportThreat = z.infer<typeof ReportThreat>;

/** A campaign's report, assembled from its stored batch results; readable months later. */
export const CampaignReport = z.object({
  campaignId: z.string(),
  name: z.string(),
  /** Absent on scans (and campaigns older than imports). */
  source: CampaignSource.optional(),
  request: z.custom<ParsedCampaignRequest>(),
  state: CampaignState,
  engine: ScanEngineName.optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  tuning: CampaignTuning.optional(),
  totals: CampaignTotals,
  /** Hosts with at least one open port, sorted by address. */
  hosts: z.array(ReportHost),
  threats: z.array(ReportThreat),
  skipped: z.array(SkippedTarget),
  failedBatches: z.array(z.object({ index: z.number().int(), error: z.string() })),
  audit: z.array(AuditEntry),
  /** False while running, or when cancelled or failed part-way. */
  complete: z.boolean(),
});
export type CampaignReport = z.infer<typeof CampaignReport>;

export const SubmittedCampaign = z.object({
  campaignId: z.string(),
  hostCount: z.number().int(),
  portCount: z.number().int(),
  batchCount: z.number().int(),
});
export type SubmittedCampaign = z.infer<typeof SubmittedCampaign>;
