/**
 * The services' names and the key of every singleton object, defined here
 * only. Callers never write them: the one typed client
 * (src/clients/service-clients.ts) builds every call from them and checks
 * each name against the name its service registers under.
 */
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
