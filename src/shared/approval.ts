import { z } from 'zod';

/**
 * When a campaign must wait for an analyst before touching the network, and
 * the shapes of a pending approval and of a decision. Pure: the workflow, the
 * submission check, the CLI's dry run and the UI all call the same functions.
 */

/**
 * `auto` asks only when the policy flags the campaign, `required` always asks,
 * `never` runs without asking and is refused for a campaign the policy flags.
 */
export const ApprovalMode = z.enum(['auto', 'required', 'never']);
export type ApprovalMode = z.infer<typeof ApprovalMode>;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** How long a campaign waits for a decision unless the request says otherwise. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = DAY_MS;
/** Short enough to test, long enough that nobody races the clock by accident. */
export const MIN_APPROVAL_TIMEOUT_MS = 1000;
export const MAX_APPROVAL_TIMEOUT_MS = 30 * DAY_MS;

export const ApprovalTimeoutMs = z
  .number()
  .int()
  .min(MIN_APPROVAL_TIMEOUT_MS, 'approvalTimeoutMs: at least 1 second')
  .max(MAX_APPROVAL_TIMEOUT_MS, 'approvalTimeoutMs: at most 30 days');

/**
 * Thresholds above which a campaign needs approval. The host limit sits above
 * a /21 on purpose: routine lab sweeps (a few /22s) run unattended, a /19 or
 * more waits for a person.
 */
export const ApprovalPolicy = z.object({
  /** More targets than this need approval. */
  maxHosts: z.number().int().min(0).default(4096),
  /** More ports than this need approval (the `top-1000` preset does not). */
  maxPorts: z.number().int().min(0).default(1000),
  /** nmap service detection (`-sV`) sends protocol probes: intrusive. */
  serviceDetectionNeedsApproval: z.boolean().default(true),
  /** Targets in scope entries marked `sensitive`. */
  sensitiveNeedsApproval: z.boolean().default(true),
});
export type ApprovalPolicy = z.output<typeof ApprovalPolicy>;
export type ApprovalPolicyInput = z.input<typeof ApprovalPolicy>;

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = ApprovalPolicy.parse({});

export const ApprovalReasonCode = z.enum([
  'required',
  'hosts',
  'ports',
  'service-detection',
  'sensitive',
]);
export type ApprovalReasonCode = z.infer<typeof ApprovalReasonCode>;

export const ApprovalReason = z.object({ code: ApprovalReasonCode, message: z.string() });
export type ApprovalReason = z.infer<typeof ApprovalReason>;

/** What the policy looks at: counts from the campaign plan plus the intrusive options. */
export interface ApprovalSubject {
  hostCount: number;
  portCount: number;
  /** Target tokens that reach into a scope entry marked sensitive. */
  sensitiveTargets: readonly string[];
  serviceDetection?: boolean;
}

/** Every reason the policy has to ask a person about this campaign; empty when none. */
export function approvalReasons(
  subject: ApprovalSubject,
  policy: ApprovalPolicy = DEFAULT_APPROVAL_POLICY,
): ApprovalReason[] {
  const reasons: ApprovalReason[] = [];
  if (subject.hostCount > policy.maxHosts) {
    reasons.push({
      code: 'hosts',
      message: `${subject.hostCount} targets (more than ${policy.maxHosts})`,
    });
  }
  if (subject.portCount > policy.maxPorts) {
    reasons.push({
      code: 'ports',
      message: `${subject.portCount} ports (more than ${policy.maxPorts})`,
    });
  }
  if (subject.serviceDetection && policy.serviceDetectionNeedsApproval) {
    reasons.push({ code: 'service-detection', message: 'service detection (intrusive probes)' });
  }
  if (subject.sensitiveTargets.length > 0 && policy.sensitiveNeedsApproval) {
    reasons.push({
      code: 'sensitive',
      message: `sensitive networks reached by ${subject.sensitiveTargets.join(', ')}`,
    });
  }
  return reasons;
}

export type ApprovalRequirement =
  | { kind: 'not-needed' }
  | { kind: 'ask'; reasons: ApprovalReason[] }
  /** `never` for a campaign the policy flags: refused before anything starts. */
  | { kind: 'refuse'; reasons: ApprovalReason[] };

export function approvalRequirement(
  mode: ApprovalMode,
  subject: ApprovalSubject,
  policy: ApprovalPolicy = DEFAULT_APPROVAL_POLICY,
): ApprovalRequirement {
  const reasons = approvalReasons(subject, policy);
  if (mode === 'never')
    return reasons.length ? { kind: 'refuse', reasons } : { kind: 'not-needed' };
  if (mode === 'required') {
    return {
      kind: 'ask',
      reasons: [{ code: 'required', message: 'approval required by the request' }, ...reasons],
    };
  }
  return reasons.length ? { kind: 'ask', reasons } : { kind: 'not-needed' };
}

/** One-line text for messages: `approval: never refused: 5000 targets (more than 4096); ...`. */
export function formatApprovalReasons(reasons: readonly ApprovalReason[]): string {
  return reasons.map((reason) => reason.message).join('; ');
}

/* ----------------------------------------------------------------------------
 * Pending approvals and decisions
 * ------------------------------------------------------------------------- */

/** A campaign waiting for an analyst: one entry in the Approvals registry. */
export const PendingApproval = z.object({
  /** `ap-` + 12 hex digits; `spectra approve` also takes the campaign id. */
  id: z.string(),
  campaignId: z.string(),
  name: z.string(),
  reasons: z.array(ApprovalReason),
  requestedAt: z.string(),
  /** The campaign ends as rejected (timed out) at this time unless decided. */
  expiresAt: z.string(),
});
export type PendingApproval = z.infer<typeof PendingApproval>;

export const ApprovalVerdict = z.enum(['approve', 'reject']);
export type ApprovalVerdict = z.infer<typeof ApprovalVerdict>;

/** What `spectra approve/reject` and the UI send. `id` is the approval id or the campaign id. */
export const ApprovalDecisionInput = z.object({
  id: z.string().trim().min(1, 'id: required'),
  verdict: ApprovalVerdict,
  note: z.string().trim().max(2000).optional(),
  by: z.string().trim().min(1).max(120).optional(),
});
export type ApprovalDecisionInput = z.input<typeof ApprovalDecisionInput>;

/** How an approval ended: decided by someone, timed out, or withdrawn (campaign cancelled). */
export const ApprovalOutcome = z.object({
  id: z.string(),
  campaignId: z.string(),
  outcome: z.enum(['approved', 'rejected', 'timed-out', 'withdrawn']),
  at: z.string(),
  by: z.string().optional(),
  note: z.string().optional(),
});
export type ApprovalOutcome = z.infer<typeof ApprovalOutcome>;

/** What a campaign's progress shows while it waits, so the UI can draw a banner with a countdown. */
export const CampaignApprovalView = z.object({
  id: z.string(),
  reasons: z.array(ApprovalReason),
  requestedAt: z.string(),
  expiresAt: z.string(),
  outcome: ApprovalOutcome.optional(),
});
export type CampaignApprovalView = z.infer<typeof CampaignApprovalView>;

/**
 * Why a decision is refused, or undefined when it may be recorded. A decision
 * after the deadline loses even if the workflow's timer has not fired yet.
 */
export function decisionRefusal(
  reference: string,
  pending: PendingApproval | undefined,
  past: ApprovalOutcome | undefined,
  now: string,
): string | undefined {
  if (pending) {
    return now > pending.expiresAt
      ? `approval ${pending.id} (campaign ${pending.campaignId}) timed out at ${pending.expiresAt}`
      : undefined;
  }
  if (!past) return `no pending approval ${reference} (see spectra approvals)`;
  switch (past.outcome) {
    case 'approved':
    case 'rejected':
      return `approval ${past.id} (campaign ${past.campaignId}) was already ${past.outcome}${past.by ? ` by ${past.by}` : ''} at ${past.at}`;
    case 'timed-out':
      return `approval ${past.id} (campaign ${past.campaignId}) timed out at ${past.at}`;
    case 'withdrawn':
      return `approval ${past.id} (campaign ${past.campaignId}) was withdrawn at ${past.at} (campaign cancelled)`;
  }
}

/* ----------------------------------------------------------------------------
 * Durations (`--approval-timeout 30m`)
 * ------------------------------------------------------------------------- */

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS,
};

/** `90s`, `30m`, `1h30m`, `2d`, `1500ms` in milliseconds; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+(ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    total += Number(amount) * DURATION_UNITS[unit!]!;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** The largest whole units: `1d`, `30m`, `1h30m`, `1500ms`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds <= 0) return '0s';
  const parts: string[] = [];
  let rest = milliseconds;
  for (const [unit, size] of [
    ['d', DAY_MS],
    ['h', HOUR_MS],
    ['m', MINUTE_MS],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
