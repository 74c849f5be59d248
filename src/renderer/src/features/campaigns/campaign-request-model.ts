import type { ApprovalReasonCode } from '../../../../shared/approval';
import type { ParsedCampaignRequest } from '../../../../shared/campaign';
import { planCampaign, type CampaignPlan } from '../../../../shared/campaign-plan';

/** The first few target lines, and how many more there are (a pasted list can be 65k lines). */
export function summarizeTargets(
  targets: string,
  shown = 3,
): { lines: string[]; more: number; total: number } {
  const lines = targets
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
  return {
    lines: lines.slice(0, shown),
    more: Math.max(0, lines.length - shown),
    total: lines.length,
  };
}

/** The plan of a stored request (counts, scope networks, sensitive targets), if it still parses. */
export function planOfRequest(request: ParsedCampaignRequest): CampaignPlan | undefined {
  const plan = planCampaign(request);
  return plan.ok ? plan.value : undefined;
}

/** What each policy reason means for the approver, in plain words. */
export const REASON_EXPLANATION: Record<ApprovalReasonCode, string> = {
  required: 'The person who started it asked for a second pair of eyes.',
  hosts: 'It reaches more hosts than the policy lets a campaign scan without a decision.',
  ports: 'It probes more ports per host than the policy lets pass without a decision.',
  'service-detection':
    'It talks to every open service to identify it (intrusive: it sends protocol probes and may be logged or noticed).',
  sensitive: 'Some targets are inside a network the scope marks as sensitive.',
};

/** The scope as text, whichever form the request used. */
export function scopeText(scope: ParsedCampaignRequest['scope']): string {
  return typeof scope === 'string'
    ? scope
    : scope.map((entry) => `${entry.network}${entry.sensitive ? ' (sensitive)' : ''}`).join(', ');
}
