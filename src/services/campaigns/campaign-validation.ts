import {
  CampaignRequest,
  MAX_BATCHES_PER_CAMPAIGN,
  type ParsedCampaignRequest,
} from '../../shared/campaign.js';
import {
  planCampaign,
  type CampaignPlan,
  type PlanEnvironment,
} from '../../shared/campaign-plan.js';

export class CampaignRequestInvalid extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/**
 * Everything a campaign must pass before anything starts: the request's shape,
 * then targets, ports and scope (every offending token named), then a batch
 * count that keeps progress and results bounded.
 */
export function validateCampaignRequest(
  raw: unknown,
  environment: PlanEnvironment = {},
): {
  request: ParsedCampaignRequest;
  plan: CampaignPlan;
} {
  const request = parseCampaignRequest(raw);
  return { request, plan: planCampaignRequest(request, environment) };
}

/** The first check alone: the request's shape (what choosing the engine needs). */
export function parseCampaignRequest(raw: unknown): ParsedCampaignRequest {
  const parsed = CampaignRequest.safeParse(raw);
  if (!parsed.success) {
    throw new CampaignRequestInvalid(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/** The other checks, on a parsed request: targets, ports, scope and the batch count. */
export function planCampaignRequest(
  request: ParsedCampaignRequest,
  environment: PlanEnvironment = {},
): CampaignPlan {
  const plan = planCampaign(request, environment);
  if (!plan.ok) throw new CampaignRequestInvalid(plan.issues.map((issue) => issue.message));
  if (plan.value.batchCount > MAX_BATCHES_PER_CAMPAIGN) {
    const smallest = Math.ceil(plan.value.hostCount / MAX_BATCHES_PER_CAMPAIGN);
    throw new CampaignRequestInvalid([
      `batchSize: ${plan.value.batchSize} makes ${plan.value.batchCount} batches (at most ${MAX_BATCHES_PER_CAMPAIGN}); use ${smallest} or more`,
    ]);
  }
  return plan.value;
}
