import type { CampaignState, SeverityCounts } from '../../../shared/campaign';
import type { TriageState } from '../../../shared/threat';
import { SEVERITY_ORDER, type Severity } from '../../../shared/vulnerability';

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  none: 'None',
};

export const TRIAGE_LABEL: Record<TriageState, string> = {
  new: 'New',
  confirmed: 'Confirmed',
  'false-positive': 'False positive',
  remediated: 'Remediated',
};

export function SeverityBadge(props: { severity: Severity; score?: number }) {
  return (
    <span className={`badge sev-${props.severity}`} data-testid="severity-badge">
      {SEVERITY_LABEL[props.severity]}
      {props.score === undefined ? null : <span className="mono">{props.score.toFixed(1)}</span>}
    </span>
  );
}

export function CampaignStateBadge(props: { state: CampaignState }) {
  return (
    <span className={`badge state-${props.state}`} data-testid="campaign-state">
      {props.state}
    </span>
  );
}

export function TriageBadge(props: { state: TriageState }) {
  return (
    <span className={`badge triage-${props.state}`} data-testid="triage-state">
      {TRIAGE_LABEL[props.state]}
    </span>
  );
}

/** Findings per severity as compact chips (critical, high, medium, low). */
export function SeverityCountChips(props: { counts: SeverityCounts }) {
  const shown = SEVERITY_ORDER.filter((severity) => severity !== 'none');
  const label = shown.map((severity) => `${props.counts[severity] ?? 0} ${severity}`).join(', ');
  return (
    <span className="sev-counts" aria-label={label} title={label}>
      {shown.map((severity) => {
        const count = props.counts[severity] ?? 0;
        return (
          <span key={severity} className={`badge sev-${severity}${count === 0 ? ' zero' : ''}`}>
            {count}
          </span>
        );
      })}
    </span>
  );
}

export function ProgressBar(props: {
  done: number;
  total: number;
  /** The percentage to show when the caller knows better than done/total (see campaign-host-progress.ts). */
  percent?: number;
  large?: boolean;
  label: string;
}) {
  const percent =
    props.percent ??
    Math.round((props.total > 0 ? Math.min(1, props.done / props.total) : 0) * 100);
  const ratio = percent / 100;
  return (
    <div
      className={`progress${props.large ? ' large' : ''}${ratio >= 1 ? ' done' : ''}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div style={{ width: `${percent}%` }} />
    </div>
  );
}
