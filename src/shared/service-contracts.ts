import type {
  CampaignListing,
  CampaignProgress,
  CampaignReport,
  CampaignRequest,
  SubmittedCampaign,
} from './campaign.js';
import type { ThreatFilter, ThreatRecord, ThreatSummary, TriageRequest } from './threat.js';
import type { ApprovalDecisionInput, ApprovalOutcome, PendingApproval } from './approval.js';
import type { z } from 'zod';
import type {
  ScheduleCreateRequest,
  ScheduleEditRequest,
  ScheduleEntry,
  ScheduleIdInput,
  ScheduleRunNowAnswer,
} from './schedule.js';

/**
 * The handlers the renderer calls, as the Restate ingress client sees them.
 *
 * The renderer cannot `import type` the service definitions themselves: their
 * files pull Node-only modules into the web tsconfig's program (TS6307 and
 * missing `Buffer`/`node:net` types). These declarations are written from the
 * shared schemas instead, and `e2e/service-contracts.typecheck.ts` (compiled
 * by the Node tsconfig) proves each real service is callable wherever these
 * are, with the same names, so a changed handler breaks the typecheck, not the app.
 *
 * The first parameter stands for the handler's context, which a client never passes.
 */
export interface CampaignsApi {
  submit(context: unknown, request: CampaignRequest): Promise<SubmittedCampaign>;
}

export interface CampaignWorkflowApi {
  progress(context: unknown): Promise<CampaignProgress | null>;
  cancel(context: unknown, reason?: string): Promise<{ accepted: boolean }>;
}

export interface CampaignResultsApi {
  report(context: unknown): Promise<CampaignReport | null>;
}

export interface CampaignIndexApi {
  list(context: unknown): Promise<CampaignListing[]>;
}

export interface ThreatIntelApi {
  get(context: unknown): Promise<ThreatRecord | null>;
  triage(context: unknown, request: TriageRequest): Promise<ThreatRecord>;
}

export interface ThreatIndexApi {
  list(context: unknown, filter: ThreatFilter): Promise<ThreatSummary[]>;
}

/** Pending approvals (keyed {@link INDEX_KEY}): the banner lists them and records decisions. */
export interface ApprovalsApi {
  list(context: unknown): Promise<PendingApproval[]>;
  decide(context: unknown, decision: ApprovalDecisionInput): Promise<ApprovalOutcome>;
}

/**
 * What `Schedules.create` is typed to take: the parsed form (so `engine` is
 * always present), which the service validates again on arrival.
 */
export type ScheduleCreateInput = z.output<typeof ScheduleCreateRequest>;

/** What `Schedules.edit` is typed to take: the parsed form, validated again on arrival. */
export type ScheduleEditInput = z.output<typeof ScheduleEditRequest>;

/** Campaign schedules (keyed {@link INDEX_KEY}). */
export interface SchedulesApi {
  create(context: unknown, request: ScheduleCreateInput): Promise<ScheduleEntry>;
  list(context: unknown): Promise<ScheduleEntry[]>;
  remove(
    context: unknown,
    input: ScheduleIdInput,
  ): Promise<{ removed: boolean; entry?: ScheduleEntry }>;
  edit(context: unknown, input: ScheduleEditInput): Promise<ScheduleEntry>;
  pause(context: unknown, input: ScheduleIdInput): Promise<ScheduleEntry>;
  resume(context: unknown, input: ScheduleIdInput): Promise<ScheduleEntry>;
  runNow(context: unknown, input: ScheduleIdInput): Promise<ScheduleRunNowAnswer>;
}

export const SERVICE_NAMES = {
  campaigns: 'Campaigns',
  campaignWorkflow: 'CampaignWorkflow',
  campaignResults: 'CampaignResults',
  campaignIndex: 'CampaignIndex',
  threatIntel: 'ThreatIntel',
  threatIndex: 'ThreatIndex',
  approvals: 'Approvals',
  schedules: 'Schedules',
  scopeLocks: 'ScopeLocks',
  scanMarks: 'ScanMarks',
  rechecks: 'Rechecks',
  diagnostics: 'Diagnostics',
  hostInventory: 'HostInventory',
  imports: 'Imports',
  rematch: 'Rematch',
} as const;

/** The key of every singleton object (indexes, approvals, schedules, locks, marks): defined here only. */
export const INDEX_KEY = 'all';
