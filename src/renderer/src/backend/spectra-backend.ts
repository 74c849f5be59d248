import * as clients from '@restatedev/restate-sdk-clients';
import { callOptions, connectSpectra, type SpectraClients } from '../../../clients/service-clients';
import type {
  CampaignListing,
  CampaignProgress,
  CampaignReport,
  CampaignRequest,
  SubmittedCampaign,
} from '../../../shared/campaign';
import type {
  ThreatFilter,
  ThreatRecord,
  ThreatSummary,
  TriageRequest,
} from '../../../shared/threat';
import type {
  ApprovalDecisionInput,
  ApprovalOutcome,
  PendingApproval,
} from '../../../shared/approval';
import type { ScheduleEntry, ScheduleRunNowAnswer } from '../../../shared/schedule';
import type { HostCveTriageRequest, HostRecord } from '../../../shared/host-inventory';
import type { RematchResult } from '../../../shared/rematch';
import type { RecheckResult } from '../../../shared/recheck';
import type { EngineAvailability } from '../../../shared/diagnostics';
import type { ShellConfig } from './shell-config';

type SchedulesClient = ReturnType<SpectraClients['schedules']>;
type CampaignWorkflowClient = ReturnType<SpectraClients['campaignWorkflow']>;

/** What `Schedules.create` takes, as the service declares it (the parsed form, `engine` present). */
export type ScheduleCreateInput = Parameters<SchedulesClient['create']>[0];
/** What `Schedules.edit` takes, as the service declares it. */
export type ScheduleEditInput = Parameters<SchedulesClient['edit']>[0];

/**
 * Everything the store asks of the backend, implemented with the one typed
 * client (src/clients/service-clients.ts), whose handler types come from the
 * services themselves: a handler whose input or answer no longer fits what is
 * declared here fails the renderer's typecheck in {@link createSpectraBackend}.
 * The queries still parse every answer with the shared schemas before anything
 * enters the cache, since a host of another version can answer differently.
 */
export interface SpectraBackend {
  listCampaigns(): PromiseLike<CampaignListing[]>;
  submitCampaign(request: CampaignRequest, idempotencyKey: string): PromiseLike<SubmittedCampaign>;
  campaignProgress(campaignId: string): PromiseLike<CampaignProgress | null>;
  cancelCampaign(campaignId: string, reason: string): ReturnType<CampaignWorkflowClient['cancel']>;
  campaignReport(campaignId: string): PromiseLike<CampaignReport | null>;
  listThreats(filter: ThreatFilter): PromiseLike<ThreatSummary[]>;
  threat(cve: string): PromiseLike<ThreatRecord | null>;
  triageThreat(cve: string, request: TriageRequest): PromiseLike<ThreatRecord>;
  rematchCampaigns(): PromiseLike<RematchResult>;
  /** `GET /api/operations` (the host API, not a service): parsed by its query. */
  operations(): PromiseLike<unknown>;
  listApprovals(): PromiseLike<PendingApproval[]>;
  decideApproval(decision: ApprovalDecisionInput): PromiseLike<ApprovalOutcome>;
  listSchedules(): PromiseLike<ScheduleEntry[]>;
  createSchedule(input: ScheduleCreateInput, idempotencyKey: string): PromiseLike<ScheduleEntry>;
  removeSchedule(scheduleId: string): ReturnType<SchedulesClient['remove']>;
  editSchedule(edit: ScheduleEditInput): PromiseLike<ScheduleEntry>;
  pauseSchedule(scheduleId: string): PromiseLike<ScheduleEntry>;
  resumeSchedule(scheduleId: string): PromiseLike<ScheduleEntry>;
  runScheduleNow(scheduleId: string, idempotencyKey: string): PromiseLike<ScheduleRunNowAnswer>;
  /** `GET /api/health`; rejects with {@link HostUnreachable} or {@link SessionRejected}. */
  health(): PromiseLike<unknown>;
  /** Re-probes a threat's affected services now (`Rechecks.run`, manual). */
  recheckThreat(cve: string): PromiseLike<RecheckResult>;
  /** Which engines the host can run (`Diagnostics.engines`). */
  engines(): PromiseLike<EngineAvailability>;
  listHosts(): PromiseLike<HostRecord[]>;
  triageHostCve(request: HostCveTriageRequest): PromiseLike<HostRecord>;
  host(address: string): PromiseLike<HostRecord | null>;
}

/** Nothing answered at the page's own origin: the host (or its UI server) is down. */
export class HostUnreachable extends Error {}
/** The host answered but refused this page's session token: it restarted with a new one. */
export class SessionRejected extends Error {}

/** The message a failed call shows: the server's own words when it gave some. */
export function describeBackendError(error: unknown): string {
  if (error instanceof clients.HttpCallError) {
    if (error.status === 403) return 'The backend refused the request (session token rejected).';
    try {
      const body = JSON.parse(error.responseText) as { message?: unknown };
      if (typeof body.message === 'string') return body.message;
    } catch {
      // not JSON: fall through to the raw text
    }
    return error.responseText || `HTTP ${error.status}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function createSpectraBackend(config: ShellConfig): SpectraBackend {
  const services = connectSpectra({ url: config.ingressUrl, headers: config.headers });
  return {
    listCampaigns: () => services.campaignIndex().list(),
    submitCampaign: (request, idempotencyKey) =>
      services.campaigns().submit(request, callOptions({ idempotencyKey })),
    campaignProgress: (campaignId) => services.campaignWorkflow(campaignId).progress(),
    cancelCampaign: (campaignId, reason) => services.campaignWorkflow(campaignId).cancel(reason),
    campaignReport: (campaignId) => services.campaignReport(campaignId),
    listThreats: (filter) => services.threatIndex().list(filter),
    threat: (cve) => services.threatIntel(cve).get(),
    triageThreat: (cve, request) => services.threatIntel(cve).triage(request),
    rematchCampaigns: () => services.rematch().run({}),
    listApprovals: () => services.approvals().list(),
    decideApproval: (decision) => services.approvals().decide(decision),
    listSchedules: () => services.schedules().list(),
    createSchedule: (input, idempotencyKey) =>
      services.schedules().create(input, callOptions({ idempotencyKey })),
    removeSchedule: (scheduleId) => services.schedules().remove({ scheduleId }),
    editSchedule: (edit) => services.schedules().edit(edit),
    pauseSchedule: (scheduleId) => services.schedules().pause({ scheduleId }),
    resumeSchedule: (scheduleId) => services.schedules().resume({ scheduleId }),
    runScheduleNow: (scheduleId, idempotencyKey) =>
      services.schedules().runNow({ scheduleId }, callOptions({ idempotencyKey })),
    recheckThreat: (cve) => services.rechecks().run({ cve, trigger: 'manual' }),
    engines: () => services.diagnostics().engines(),
    listHosts: () => services.hosts(),
    triageHostCve: (request) => services.hostInventory().triage(request),
    host: (address) => services.hostInventory().get(address),
    health: async () => {
      let response: Response;
      try {
        response = await fetch(`${config.apiBase}/api/health`, {
          headers: { accept: 'application/json', ...config.headers },
          cache: 'no-store',
        });
      } catch (error) {
        throw new HostUnreachable(`the host does not answer (${(error as Error).message})`);
      }
      if (response.status === 403) throw new SessionRejected('the host refused this session');
      if (!response.ok) throw new Error(`health: HTTP ${response.status}`);
      return (await response.json()) as unknown;
    },
    operations: async () => {
      const response = await fetch(`${config.apiBase}/api/operations`, {
        headers: { accept: 'application/json', ...config.headers },
        cache: 'no-store',
      });
      if (!response.ok) throw new Error(`operations: HTTP ${response.status}`);
      return (await response.json()) as unknown;
    },
  };
}
