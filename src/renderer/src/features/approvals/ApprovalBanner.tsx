import { useEffect } from 'react';
import { desktopBridge, pageAttended } from '../../backend/desktop-bridge';
import { routeHref } from '../../lib/route';
import { useApprovalList, usePendingApprovals } from '../../queries/approval-queries';
import { useAppStore } from '../../store/app-store';
import { approvalNotification, mostUrgentApproval } from '../../store/approvals-slice';
import { ApprovalContextLine } from './ApprovalContext';
import { ApprovalCountdown, ApprovalDecisionForm, ApprovalReasons } from './ApprovalDecision';

/**
 * Keeps the approval list polled for the whole app, and raises one native
 * notification per new approval when the analyst is not looking at the
 * window (Electron only: browser mode has no bridge).
 */
export function useApprovalsWatcher(): void {
  const { data } = useApprovalList();
  const noteApprovals = useAppStore((state) => state.noteApprovals);
  useEffect(() => {
    if (!data) return;
    const appeared = noteApprovals(data);
    const bridge = desktopBridge(window);
    if (bridge && appeared.length > 0 && !pageAttended(document)) {
      for (const approval of appeared) {
        // A failed notification must not stop anything; the banner still shows it.
        void bridge.notify(approvalNotification(approval)).catch(() => undefined);
      }
    }
  }, [data, noteApprovals]);
}

/**
 * Shown on every screen while an approval is pending: what is asked (the
 * campaign, linked), why the policy asked, time left before it times out,
 * and approve/reject with a note.
 */
export function ApprovalBanner() {
  const approvals = usePendingApprovals().data ?? [];
  const approval = mostUrgentApproval(approvals);
  const count = approvals.length;
  if (!approval) return null;
  return (
    <section
      className="approval-banner"
      aria-label="Approval needed"
      data-testid="approval-banner"
      data-approval-id={approval.id}
      data-campaign-id={approval.campaignId}
    >
      <div className="approval-banner-head">
        <strong>Approval needed{count > 1 ? ` (1 of ${count})` : ''}:</strong>
        <a
          href={routeHref({ screen: 'campaign', campaignId: approval.campaignId })}
          data-testid="approval-campaign-link"
        >
          {approval.name}
        </a>
        <span className="muted mono">{approval.campaignId}</span>
        <ApprovalCountdown expiresAt={approval.expiresAt} />
        {count > 1 ? (
          <a href={routeHref({ screen: 'approvals' })} data-testid="approval-review-all">
            Review all {count}
          </a>
        ) : null}
      </div>
      <ApprovalReasons reasons={approval.reasons} inline />
      <ApprovalContextLine campaignId={approval.campaignId} />
      <ApprovalDecisionForm key={approval.id} approvalId={approval.id} compact />
    </section>
  );
}

/** The navigation's count badge while approvals wait. */
export function ApprovalNavCount() {
  const count = usePendingApprovals().data?.length ?? 0;
  return count > 0 ? (
    <span className="nav-count" data-testid="approvals-count" aria-label={`${count} pending`}>
      {count}
    </span>
  ) : (
    <span className="muted" aria-label="none pending">
      0
    </span>
  );
}
