import { useCallback } from 'react';
import { desktopBridge, pageAttended } from '../../backend/desktop-bridge';
import { usePolling } from '../../lib/hooks';
import { routeHref } from '../../lib/route';
import { useAppStore } from '../../store/app-store';
import {
  approvalNotification,
  selectApprovalCount,
  selectMostUrgentApproval,
} from '../../store/approvals-slice';
import { ApprovalCountdown, ApprovalDecisionForm, ApprovalReasons } from './ApprovalDecision';

export const APPROVALS_POLL_MS = 2000;
/** Hidden pages poll less often, but often enough that a desktop notification is timely. */
export const APPROVALS_HIDDEN_POLL_MS = 10_000;

/**
 * Keeps the approvals slice fresh for the whole app, and raises one native
 * notification per new approval when the analyst is not looking at the
 * window (Electron only: browser mode has no bridge).
 */
export function useApprovalsWatcher(): void {
  const loadApprovals = useAppStore((state) => state.loadApprovals);
  usePolling(
    useCallback(async () => {
      const appeared = await loadApprovals();
      const bridge = desktopBridge(window);
      if (bridge && appeared.length > 0 && !pageAttended(document)) {
        for (const approval of appeared) {
          // A failed notification must not stop polling; the banner still shows it.
          void bridge.notify(approvalNotification(approval)).catch(() => undefined);
        }
      }
      return true;
    }, [loadApprovals]),
    'approvals',
    { intervalMs: APPROVALS_POLL_MS, hiddenIntervalMs: APPROVALS_HIDDEN_POLL_MS },
  );
}

/**
 * Shown on every screen while an approval is pending: what is asked (the
 * campaign, linked), why the policy asked, time left before it times out,
 * and approve/reject with a note.
 */
export function ApprovalBanner() {
  const approval = useAppStore(selectMostUrgentApproval);
  const count = useAppStore(selectApprovalCount);
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
      <ApprovalDecisionForm key={approval.id} approvalId={approval.id} compact />
    </section>
  );
}

/** The navigation's count badge while approvals wait. */
export function ApprovalNavCount() {
  const count = useAppStore(selectApprovalCount);
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
