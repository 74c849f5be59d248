import { useState } from 'react';
import { formatDuration } from '../../lib/format';
import { useNow } from '../../lib/hooks';
import { routeHref } from '../../lib/route';
import { useAppStore } from '../../store/app-store';
import { selectApprovalCount, selectMostUrgentApproval } from '../../store/approvals-slice';

/**
 * Shown on every screen while an approval is pending: what is asked, time
 * left before it times out, and approve/reject with a note. Fed by the
 * approvals slice, which stays empty until the approvals feature fills it.
 */
export function ApprovalBanner() {
  const approval = useAppStore(selectMostUrgentApproval);
  const count = useAppStore(selectApprovalCount);
  const wired = useAppStore((state) => state.approvalDecider !== undefined);
  const decideApproval = useAppStore((state) => state.decideApproval);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const now = useNow(1000);
  if (!approval) return null;
  const left = Date.parse(approval.expiresAt) - now;
  const decide = async (decision: 'approve' | 'reject') => {
    try {
      await decideApproval(approval.id, decision, note);
      setNote('');
      setError(undefined);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <div
      className="approval-banner"
      role="alert"
      data-testid="approval-banner"
      data-approval-id={approval.id}
    >
      <strong>Approval needed{count > 1 ? ` (1 of ${count})` : ''}:</strong>
      <span>
        {approval.title}{' '}
        <a href={routeHref({ screen: 'campaign', campaignId: approval.campaignId })}>
          {approval.campaignId}
        </a>
      </span>
      <span className="countdown" data-testid="approval-countdown" aria-label="Time left">
        {left > 0 ? formatDuration(left) : 'timed out'}
      </span>
      <input
        aria-label="Note for the decision"
        placeholder="Note (optional)"
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
      <button
        type="button"
        className="primary"
        disabled={!wired}
        onClick={() => void decide('approve')}
        data-testid="approval-approve"
      >
        Approve
      </button>
      <button
        type="button"
        className="danger"
        disabled={!wired}
        onClick={() => void decide('reject')}
        data-testid="approval-reject"
      >
        Reject
      </button>
      {error ? <span className="notice error">{error}</span> : null}
    </div>
  );
}

/** The navigation's slot: a count badge while approvals wait. */
export function ApprovalNavCount() {
  const count = useAppStore(selectApprovalCount);
  return (
    <div className="nav-slot" data-testid="approvals-nav">
      <span>Approvals</span>
      {count > 0 ? (
        <span className="nav-count" data-testid="approvals-count" aria-label={`${count} pending`}>
          {count}
        </span>
      ) : (
        <span aria-label="none pending">0</span>
      )}
    </div>
  );
}
