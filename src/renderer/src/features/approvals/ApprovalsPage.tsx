import { formatDateTime } from '../../lib/format';
import { LoadError } from '../../components/LoadError';
import { routeHref } from '../../lib/route';
import { usePageTitle } from '../../lib/hooks';
import { usePendingApprovals } from '../../queries/approval-queries';
import { useAppStore } from '../../store/app-store';
import { ApprovalContext } from './ApprovalContext';
import { ApprovalCountdown, ApprovalDecisionForm, ApprovalReasons } from './ApprovalDecision';

const OUTCOME_LABEL = {
  approved: 'approved',
  rejected: 'rejected',
  'timed-out': 'timed out',
  withdrawn: 'withdrawn',
} as const;

/** Every pending approval with its decision form, then what this session decided. */
export function ApprovalsPage() {
  const list = usePendingApprovals();
  const approvals = list.data ?? [];
  usePageTitle('Approvals');
  const decisions = useAppStore((state) => state.approvalDecisions);
  const names = useAppStore((state) => state.approvalNames);
  const pendingIds = new Set(approvals.map((approval) => approval.id));
  const history = Object.entries(decisions).filter(
    ([id, decision]) => decision.status === 'decided' || !pendingIds.has(id),
  );

  return (
    <section className="page" data-testid="approvals-page" aria-labelledby="approvals-title">
      <div className="page-header">
        <h1 id="approvals-title">Approvals</h1>
        <span className="muted">{approvals.length} pending</span>
      </div>
      <LoadError what="approvals" query={list} />
      {approvals.length === 0 && list.isSuccess ? (
        <p className="empty card" data-testid="approvals-empty">
          Nothing waits for a decision. Campaigns that need approval appear here and in the banner.
        </p>
      ) : null}
      {approvals.map((approval) => (
        <article
          key={approval.id}
          className="card approval-card"
          data-testid="approval-card"
          data-approval-id={approval.id}
          data-campaign-id={approval.campaignId}
        >
          <div className="page-header" style={{ marginBottom: 8 }}>
            <h2 style={{ margin: 0 }}>
              <a href={routeHref({ screen: 'campaign', campaignId: approval.campaignId })}>
                {approval.name}
              </a>
            </h2>
            <span className="muted mono">{approval.campaignId}</span>
            <span className="spacer" />
            <ApprovalCountdown expiresAt={approval.expiresAt} />
          </div>
          <dl className="facts">
            <dt>Requested</dt>
            <dd>{formatDateTime(approval.requestedAt, true)}</dd>
            <dt>Times out</dt>
            <dd>{formatDateTime(approval.expiresAt, true)} (the campaign is then rejected)</dd>
            <dt>Why</dt>
            <dd>
              <ApprovalReasons reasons={approval.reasons} />
            </dd>
          </dl>
          <h3>What it asks for</h3>
          <ApprovalContext campaignId={approval.campaignId} />
          <ApprovalDecisionForm approvalId={approval.id} />
        </article>
      ))}
      {history.length > 0 ? (
        <div className="card">
          <h2>Decided in this session</h2>
          <ul className="timeline" data-testid="approval-history">
            {history.map(([id, decision]) => {
              const named = names[id];
              const campaignId =
                decision.status === 'decided' ? decision.outcome.campaignId : named?.campaignId;
              return (
                <li key={id} data-approval-id={id} data-status={decision.status}>
                  <span className="muted mono">
                    {decision.status === 'decided' ? formatDateTime(decision.outcome.at, true) : id}
                  </span>
                  <span>
                    {campaignId ? (
                      <a href={routeHref({ screen: 'campaign', campaignId })}>
                        {named?.name ?? campaignId}
                      </a>
                    ) : (
                      id
                    )}{' '}
                    {decision.status === 'decided' ? (
                      <>
                        <strong>{OUTCOME_LABEL[decision.outcome.outcome]}</strong>
                        {decision.outcome.by ? ` by ${decision.outcome.by}` : ''}
                        {decision.outcome.note ? ` — ${decision.outcome.note}` : ''}
                      </>
                    ) : decision.status === 'error' ? (
                      <span className="notice error">{decision.error}</span>
                    ) : (
                      'deciding…'
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
