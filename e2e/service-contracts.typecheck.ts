/**
 * Compile-time proof that the renderer's handler contracts
 * (src/renderer/src/backend/service-contracts.ts) match the real services.
 * The renderer's own tsconfig cannot see the service files (they pull in Node
 * types), so this file, compiled by tsconfig.node.json, does the comparison:
 * a real client must be usable wherever the renderer's client is, and every
 * service name must be the real one. Never executed.
 */
import type {
  Ingress,
  IngressClient,
  IngressWorkflowClient,
} from '@restatedev/restate-sdk-clients';
import type { CampaignsService } from '../src/services/campaigns/campaign-submission-service';
import type { CampaignWorkflow } from '../src/services/campaigns/campaign-workflow';
import type { CampaignResultsObject } from '../src/services/campaigns/campaign-results-object';
import type { CampaignIndexObject } from '../src/services/campaigns/campaign-index-object';
import type { ThreatIntelObject } from '../src/services/threats/threat-intel-object';
import type { ThreatIndexObject } from '../src/services/threats/threat-index-object';
import type { ApprovalsObject } from '../src/services/approvals/approvals-object';
import type { SchedulesObject } from '../src/services/schedules/schedules-object';
import type {
  ApprovalsApi,
  SchedulesApi,
  CampaignIndexApi,
  CampaignResultsApi,
  CampaignsApi,
  CampaignWorkflowApi,
  SERVICE_NAMES,
  ThreatIndexApi,
  ThreatIntelApi,
} from '../src/shared/service-contracts';

type Names = typeof SERVICE_NAMES;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

export type ServiceNamesMatch = [
  Assert<Same<Names['campaigns'], CampaignsService['name']>>,
  Assert<Same<Names['campaignWorkflow'], CampaignWorkflow['name']>>,
  Assert<Same<Names['campaignResults'], CampaignResultsObject['name']>>,
  Assert<Same<Names['campaignIndex'], CampaignIndexObject['name']>>,
  Assert<Same<Names['threatIntel'], ThreatIntelObject['name']>>,
  Assert<Same<Names['threatIndex'], ThreatIndexObject['name']>>,
  Assert<Same<Names['approvals'], ApprovalsObject['name']>>,
  Assert<Same<Names['schedules'], SchedulesObject['name']>>,
];

export function handlersMatch(ingress: Ingress): unknown[] {
  const campaigns: IngressClient<CampaignsApi> = ingress.serviceClient<CampaignsService>({
    name: 'Campaigns',
  });
  const workflow: Pick<
    IngressWorkflowClient<CampaignWorkflowApi>,
    'progress' | 'cancel'
  > = ingress.workflowClient<CampaignWorkflow>({ name: 'CampaignWorkflow' }, 'key');
  const results: IngressClient<CampaignResultsApi> = ingress.objectClient<CampaignResultsObject>(
    { name: 'CampaignResults' },
    'key',
  );
  const campaignIndex: IngressClient<CampaignIndexApi> = ingress.objectClient<CampaignIndexObject>(
    { name: 'CampaignIndex' },
    'all',
  );
  const threatIntel: IngressClient<ThreatIntelApi> = ingress.objectClient<ThreatIntelObject>(
    { name: 'ThreatIntel' },
    'key',
  );
  const threatIndex: IngressClient<ThreatIndexApi> = ingress.objectClient<ThreatIndexObject>(
    { name: 'ThreatIndex' },
    'all',
  );
  const approvals: Pick<
    IngressClient<ApprovalsApi>,
    'list' | 'decide'
  > = ingress.objectClient<ApprovalsObject>({ name: 'Approvals' }, 'all');
  const schedules: Pick<
    IngressClient<SchedulesApi>,
    'create' | 'list' | 'remove'
  > = ingress.objectClient<SchedulesObject>({ name: 'Schedules' }, 'all');
  return [
    campaigns,
    workflow,
    results,
    campaignIndex,
    threatIntel,
    threatIndex,
    approvals,
    schedules,
  ];
}
