import { useId, useState } from 'react';
import type { ApprovalReason, ApprovalVerdict } from '../../../../shared/approval';
import { useNow } from '../../lib/hooks';
import { useDecideApproval } from '../../queries/approval-queries';
import { REASON_EXPLANATION } from '../campaigns/campaign-request-model';
import { useAppStore } from '../../store/app-store';
import { approvalTimeLeft, checkDecisionDraft } from '../../store/approvals-slice';
import { useActionsAllowed } from '../connection/connection-context';

/** Live time left before the approval times out (and the campaign is rejected). */
export function ApprovalCountdown(props: { expiresAt: string }) {
  const now = useNow(1000);
  const left = approvalTimeLeft(props.expiresAt, now);
  return (
    <span
      className={`countdown${left.urgent ? ' urgent' : ''}`}
      data-testid="approval-countdown"
      data-expired={left.expired}
      title={`Times out at ${new Date(props.expiresAt).toLocaleString()}`}
    >
      {left.expired ? 'timed out' : `${left.label} left`}
    </span>
  );
}

/** Why the policy asked. */
export function ApprovalReasons(props: { reasons: readonly ApprovalReason[]; inline?: boolean }) {
  return (
    <ul
      className={`approval-reasons${props.inline ? ' inline' : ''}`}
      data-testid="approval-reasons"
      aria-label="Why approval is needed"
    >
      {props.reasons.map((reason, index) => (
        <li key={`${reason.code}-${index}`} data-code={reason.code}>
          {reason.message}
          {props.inline ? null : (
            <span className="reason-explanation"> — {REASON_EXPLANATION[reason.code]}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * Approve or reject one approval, with a note (required to reject) and an
 * optional name. A refusal from the server (already decided, timed out) is
 * shown here in its own words.
 */
export function ApprovalDecisionForm(props: { approvalId: string; compact?: boolean }) {
  const { approvalId } = props;
  const decision = useAppStore((state) => state.approvalDecisions[approvalId]);
  const approverName = useAppStore((state) => state.approverName);
  const decideApproval = useDecideApproval(approvalId);
  // Off while the host is unreachable (the connection banner says why).
  const actionsAllowed = useActionsAllowed();
  const [note, setNote] = useState('');
  const [by, setBy] = useState<string>();
  const [invalid, setInvalid] = useState<string>();
  const ids = useId();
  const deciding = decision?.status === 'deciding';
  const byValue = by ?? approverName;

  const decide = async (verdict: ApprovalVerdict) => {
    const draft = { verdict, note, by: byValue };
    const refusal = checkDecisionDraft(draft);
    setInvalid(refusal);
    if (refusal) {
      document.getElementById(`${ids}-note`)?.focus();
      return;
    }
    if (decideApproval.isPending) return;
    const outcome = await decideApproval.mutateAsync(draft).catch(() => undefined);
    if (outcome) setNote('');
  };

  const error = invalid ?? (decision?.status === 'error' ? decision.error : undefined);
  return (
    <div
      className={`approval-decision${props.compact ? ' compact' : ''}`}
      data-testid="approval-decision"
    >
      <input
        id={`${ids}-note`}
        aria-label="Note for the decision (required to reject)"
        placeholder="Note (required to reject)"
        value={note}
        maxLength={2000}
        aria-invalid={invalid !== undefined}
        aria-describedby={error ? `${ids}-error` : undefined}
        data-testid="approval-note"
        onChange={(event) => {
          setNote(event.target.value);
          setInvalid(undefined);
        }}
      />
      <input
        className="approval-by"
        aria-label="Decided by (optional)"
        placeholder="Your name (optional)"
        value={byValue}
        maxLength={120}
        data-testid="approval-by"
        onChange={(event) => setBy(event.target.value)}
      />
      <button
        type="button"
        className="primary"
        disabled={deciding || !actionsAllowed}
        onClick={() => void decide('approve')}
        data-testid="approval-approve"
      >
        {deciding && decision.verdict === 'approve' ? 'Approving…' : 'Approve'}
      </button>
      <button
        type="button"
        className="danger"
        disabled={deciding || !actionsAllowed}
        onClick={() => void decide('reject')}
        data-testid="approval-reject"
      >
        {deciding && decision.verdict === 'reject' ? 'Rejecting…' : 'Reject'}
      </button>
      {error ? (
        <span
          className="notice error approval-error"
          role="alert"
          id={`${ids}-error`}
          data-testid="approval-error"
        >
          {error}
        </span>
      ) : null}
    </div>
  );
}
