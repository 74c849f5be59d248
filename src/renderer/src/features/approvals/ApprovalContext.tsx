import { useCampaignReport } from '../../queries/campaign-queries';
import { planOfRequest, scopeText, summarizeTargets } from '../campaigns/campaign-request-model';
import { RequestSummary } from '../campaigns/RequestSummary';

/** What an approver decides about: the campaign's request, summarised (from its stored report). */
export function ApprovalContext(props: { campaignId: string }) {
  const report = useCampaignReport(props.campaignId).data;
  if (!report) return <p className="muted">Loading what the campaign asks for…</p>;
  return (
    <RequestSummary
      request={report.request}
      engineUsed={report.engine}
      compact
      testId="approval-context"
    />
  );
}

/** The same in one line, for the banner: sizes, ports, engine, scope. */
export function ApprovalContextLine(props: { campaignId: string }) {
  const report = useCampaignReport(props.campaignId).data;
  if (!report) return null;
  const { request } = report;
  const plan = planOfRequest(request);
  const targets = summarizeTargets(request.targets, 2);
  return (
    <p className="approval-context-line" data-testid="approval-context-line">
      {plan ? `${plan.hostCount.toLocaleString('en-US')} hosts × ${plan.portCount} ports` : ''}
      {' · targets '}
      <span className="mono">
        {targets.lines.join(', ')}
        {targets.more > 0 ? ` +${targets.more}` : ''}
      </span>
      {' · ports '}
      <span className="mono">{request.ports}</span>
      {' · engine '}
      {report.engine ?? request.engine}
      {request.serviceDetection ? ' with service detection' : ''}
      {' · scope '}
      <span className="mono">{scopeText(request.scope)}</span>
    </p>
  );
}
