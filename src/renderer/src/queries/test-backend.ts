import type { SpectraBackend } from '../backend/spectra-backend';

/** A backend whose every call fails unless the test supplies it. */
export function fakeBackend(overrides: Partial<SpectraBackend> = {}): SpectraBackend {
  const missing = (name: string) => () => Promise.reject(new Error(`${name} not faked`));
  return {
    listCampaigns: missing('listCampaigns'),
    submitCampaign: missing('submitCampaign'),
    campaignProgress: missing('campaignProgress'),
    cancelCampaign: missing('cancelCampaign'),
    campaignReport: missing('campaignReport'),
    listThreats: missing('listThreats'),
    threat: missing('threat'),
    triageThreat: missing('triageThreat'),
    rematchCampaigns: missing('rematchCampaigns'),
    operations: missing('operations'),
    listApprovals: missing('listApprovals'),
    decideApproval: missing('decideApproval'),
    listSchedules: missing('listSchedules'),
    createSchedule: missing('createSchedule'),
    removeSchedule: missing('removeSchedule'),
    editSchedule: missing('editSchedule'),
    pauseSchedule: missing('pauseSchedule'),
    resumeSchedule: missing('resumeSchedule'),
    runScheduleNow: missing('runScheduleNow'),
    health: missing('health'),
    engines: missing('engines'),
    recheckThreat: missing('recheckThreat'),
    listHosts: missing('listHosts'),
    triageHostCve: missing('triageHostCve'),
    host: missing('host'),
    ...overrides,
  };
}

/**
 * An answer the shared schemas must refuse, as a host of another version might
 * send it: typed as whatever the backend declares, because the declared type
 * is what the services promise, not what arrives over the network.
 */
export function malformedAnswer<Answer>(value: unknown): Answer {
  return value as Answer;
}
