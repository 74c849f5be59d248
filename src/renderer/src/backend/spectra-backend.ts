import * as clients from '@restatedev/restate-sdk-clients';
import type { CampaignRequest } from '../../../shared/campaign';
import type { ThreatFilter, TriageRequest } from '../../../shared/threat';
import type { ApprovalDecisionInput } from '../../../shared/approval';
import {
  HOST_INVENTORY_KEY,
  HOST_INVENTORY_SERVICE,
  type HostCveTriageRequest,
  type HostInventoryApi,
} from '../../../shared/host-inventory';
import type { RematchApi } from '../../../shared/rematch';
import type { ShellConfig } from './shell-config';
import {
  INDEX_KEY,
  SERVICE_NAMES,
  type ApprovalsApi,
  type ScheduleCreateInput,
  type ScheduleEditInput,
  type SchedulesApi,
  type CampaignIndexApi,
  type CampaignResultsApi,
  type CampaignsApi,
  type CampaignWorkflowApi,
  type ThreatIndexApi,
  type ThreatIntelApi,
} from '../../../shared/service-contracts';

/**
 * Everything the store asks of the backend. Answers are `unknown` on purpose:
 * the slices parse them with the shared schemas before anything enters the
 * store, so a server of another version can never put a malformed value on screen.
 */
export interface SpectraBackend {
  listCampaigns(): PromiseLike<unknown>;
  submitCampaign(request: CampaignRequest, idempotencyKey: string): PromiseLike<unknown>;
  campaignProgress(campaignId: string): PromiseLike<unknown>;
  cancelCampaign(campaignId: string, reason: string): PromiseLike<unknown>;
  campaignReport(campaignId: string): PromiseLike<unknown>;
  listThreats(filter: ThreatFilter): PromiseLike<unknown>;
  threat(cve: string): PromiseLike<unknown>;
  triageThreat(cve: string, request: TriageRequest): PromiseLike<unknown>;
  rematchCampaigns(): PromiseLike<unknown>;
  operations(): PromiseLike<unknown>;
  listApprovals(): PromiseLike<unknown>;
  decideApproval(decision: ApprovalDecisionInput): PromiseLike<unknown>;
  listSchedules(): PromiseLike<unknown>;
  createSchedule(input: ScheduleCreateInput, idempotencyKey: string): PromiseLike<unknown>;
  removeSchedule(scheduleId: string): PromiseLike<unknown>;
  editSchedule(edit: ScheduleEditInput): PromiseLike<unknown>;
  pauseSchedule(scheduleId: string): PromiseLike<unknown>;
  resumeSchedule(scheduleId: string): PromiseLike<unknown>;
  runScheduleNow(scheduleId: string, idempotencyKey: string): PromiseLike<unknown>;
  /** `GET /api/health`; rejects with {@link HostUnreachable} or {@link SessionRejected}. */
  health(): PromiseLike<unknown>;
  /** Re-probes a threat's affected services now (`Rechecks.run`, manual). */
  recheckThreat(cve: string): PromiseLike<unknown>;
  /** Which engines the host can run (`Diagnostics.engines`). */
  engines(): PromiseLike<unknown>;
  listHosts(): PromiseLike<unknown>;
  triageHostCve(request: HostCveTriageRequest): PromiseLike<unknown>;
  host(address: string): PromiseLike<unknown>;
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
  const ingress = clients.connect({ url: config.ingressUrl, headers: config.headers });
  const approvals = () =>
    ingress.objectClient<ApprovalsApi>({ name: SERVICE_NAMES.approvals }, INDEX_KEY);
  const schedules = () =>
    ingress.objectClient<SchedulesApi>({ name: SERVICE_NAMES.schedules }, INDEX_KEY);
  const hosts = () =>
    ingress.objectClient<HostInventoryApi>({ name: HOST_INVENTORY_SERVICE }, HOST_INVENTORY_KEY);

  return {
    listCampaigns: () =>
      ingress
        .objectClient<CampaignIndexApi>({ name: SERVICE_NAMES.campaignIndex }, INDEX_KEY)
        .list(),
    submitCampaign: (request, idempotencyKey) =>
      ingress
        .serviceClient<CampaignsApi>({ name: SERVICE_NAMES.campaigns })
        .submit(request, clients.rpc.opts({ idempotencyKey })),
    campaignProgress: (campaignId) =>
      ingress
        .workflowClient<CampaignWorkflowApi>({ name: SERVICE_NAMES.campaignWorkflow }, campaignId)
        .progress(),
    cancelCampaign: (campaignId, reason) =>
      ingress
        .workflowClient<CampaignWorkflowApi>({ name: SERVICE_NAMES.campaignWorkflow }, campaignId)
        .cancel(reason),
    campaignReport: (campaignId) =>
      ingress
        .objectClient<CampaignResultsApi>({ name: SERVICE_NAMES.campaignResults }, campaignId)
        .report(),
    listThreats: (filter) =>
      ingress
        .objectClient<ThreatIndexApi>({ name: SERVICE_NAMES.threatIndex }, INDEX_KEY)
        .list(filter),
    threat: (cve) =>
      ingress.objectClient<ThreatIntelApi>({ name: SERVICE_NAMES.threatIntel }, cve).get(),
    triageThreat: (cve, request) =>
      ingress
        .objectClient<ThreatIntelApi>({ name: SERVICE_NAMES.threatIntel }, cve)
        .triage(request),
    rematchCampaigns: () =>
      ingress.serviceClient<RematchApi>({ name: SERVICE_NAMES.rematch }).run({}),
    listApprovals: () => approvals().list(),
    decideApproval: (decision) => approvals().decide(decision),
    listSchedules: () => schedules().list(),
    createSchedule: (input, idempotencyKey) =>
      schedules().create(input, clients.rpc.opts({ idempotencyKey })),
    removeSchedule: (scheduleId) => schedules().remove({ scheduleId }),
    editSchedule: (edit) => schedules().edit(edit),
    pauseSchedule: (scheduleId) => schedules().pause({ scheduleId }),
    resumeSchedule: (scheduleId) => schedules().resume({ scheduleId }),
    runScheduleNow: (scheduleId, idempotencyKey) =>
      schedules().runNow({ scheduleId }, clients.rpc.opts({ idempotencyKey })),
    recheckThreat: (cve) =>
      ingress
        .serviceClient<{ run(context: unknown, request: unknown): Promise<unknown> }>({
          name: 'Rechecks',
        })
        .run({ cve, trigger: 'manual' }),
    engines: () =>
      ingress
        .serviceClient<{ engines(context: unknown): Promise<unknown> }>({ name: 'Diagnostics' })
        .engines(),
    listHosts: () => hosts().list(),
    triageHostCve: (request) => hosts().triage(request),
    host: (address) => hosts().get(address),
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
