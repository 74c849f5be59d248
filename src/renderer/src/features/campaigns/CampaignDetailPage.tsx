import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type {
  BatchSummary,
  CampaignProgress,
  CampaignReport,
  ParsedCampaignRequest,
} from '../../../../shared/campaign';
import { BarChart } from '../../components/BarChart';
import { HostLink } from '../../components/HostLink';
import {
  CampaignStateBadge,
  ProgressBar,
  SeverityBadge,
  SeverityCountChips,
} from '../../components/badges';
import { elapsedMs, estimateRemainingMs, formatDateTime, formatDuration } from '../../lib/format';
import { usePageTitle } from '../../lib/hooks';
import { hostProgressOf } from '../../../../shared/campaign-host-progress';
import { useLiveNow } from '../connection/connection-context';
import { routeHref } from '../../lib/route';
import {
  campaignKeys,
  isFinished,
  useCampaignProgress,
  useCampaignReport,
  useCancelCampaign,
  useSubmitCampaign,
} from '../../queries/campaign-queries';
import { useAppStore } from '../../store/app-store';
import { fromCampaignRequest, randomKey } from './campaign-form-model';
import { describeBackendError } from '../../backend/spectra-backend';
import {
  ApprovalCountdown,
  ApprovalDecisionForm,
  ApprovalReasons,
} from '../approvals/ApprovalDecision';
import { openPortsByService, severityBars } from './campaign-report-model';
import { RequestSummary } from './RequestSummary';
import { Stat } from '../../components/Stat';
import { ComparedWith } from '../interop/ComparedWith';
import { ExportButtons } from '../interop/ExportButtons';
import { useActionsAllowed } from '../connection/connection-context';

export function CampaignDetailPage(props: { campaignId: string }) {
  const { campaignId } = props;
  // Live progress: the workflow's shared handler, polled until the campaign
  // ends; a reload starts here again and so picks up wherever it is. The
  // report is polled beside it and read a last time once the campaign ends.
  const progressQuery = useCampaignProgress(campaignId);
  const reportQuery = useCampaignReport(campaignId);
  const progress = progressQuery.data ?? null;
  const report = reportQuery.data ?? null;
  const finished =
    isFinished(progress) || (progress === null && report !== null && isFinished(report));
  const client = useQueryClient();
  useEffect(() => {
    // The progress poll saw the end first: read the final report now, not in 4 s.
    if (isFinished(progress) && !isFinished(report))
      void client.invalidateQueries({ queryKey: campaignKeys.report(campaignId) });
  }, [client, campaignId, progress, report]);
  const unknown =
    progressQuery.isSuccess && reportQuery.isSuccess && progress === null && report === null;

  const name = progress?.name ?? report?.name ?? campaignId;
  const state = progress?.state ?? report?.state;
  usePageTitle(unknown ? 'Campaign not found' : `Campaign ${name}`);
  return (
    <section
      className="page"
      data-testid="campaign-detail-page"
      data-campaign-id={campaignId}
      aria-labelledby="campaign-title"
    >
      <div className="page-header">
        <div>
          <div className="breadcrumb">
            <a href={routeHref({ screen: 'campaigns' })}>Campaigns</a> /{' '}
            <span className="mono">{campaignId}</span>
          </div>
          <h1 id="campaign-title">{name}</h1>
        </div>
        {state ? <CampaignStateBadge state={state} /> : null}
        <span className="spacer" />
        {progress && !finished ? <CancelButton campaignId={campaignId} /> : null}
        {report ? <RunAgainButtons request={report.request} /> : null}
      </div>
      {progressQuery.isError ? (
        <p className="notice error" role="alert">
          Progress is not updating: {describeBackendError(progressQuery.error)}
        </p>
      ) : null}
      {progress ? <CampaignGate progress={progress} /> : null}
      {!progress && report?.state === 'rejected' ? <RejectedFromReport report={report} /> : null}
      {progress ? (
        <LiveProgress progress={progress} />
      ) : report ? (
        <ReportTotals report={report} />
      ) : unknown ? (
        <UnknownCampaign campaignId={campaignId} />
      ) : (
        <p className="notice" data-testid="campaign-starting">
          Waiting for the campaign to start…
        </p>
      )}
      {finished && report ? <ComparedWith campaignId={campaignId} /> : null}
      {report ? (
        <details className="card" data-testid="campaign-request" open={!finished}>
          <summary>
            <h2 style={{ display: 'inline', margin: 0 }}>Request</h2>
          </summary>
          <RequestSummary request={report.request} engineUsed={report.engine ?? progress?.engine} />
        </details>
      ) : null}
      {report ? <CampaignReportView report={report} finished={finished} /> : null}
    </section>
  );
}

/**
 * Neither the workflow nor the results know this id. A campaign that was just
 * submitted has a workflow at once, so after a short grace period this is an
 * unknown (mistyped or expired) id, not a slow start.
 */
function UnknownCampaign(props: { campaignId: string }) {
  const [graceOver, setGraceOver] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setGraceOver(true), UNKNOWN_GRACE_MS);
    return () => clearTimeout(timer);
  }, []);
  if (!graceOver)
    return (
      <p className="notice" data-testid="campaign-starting">
        Waiting for the campaign to start…
      </p>
    );
  return (
    <p className="notice error" role="alert" data-testid="campaign-not-found">
      No campaign <span className="mono">{props.campaignId}</span> is known to this host.{' '}
      <a href={routeHref({ screen: 'campaigns' })}>Back to the campaign list</a>.
    </p>
  );
}

/** How long a campaign with neither progress nor report counts as "starting". */
const UNKNOWN_GRACE_MS = 5000;

/**
 * "Re-run" starts the same request again at once (a new campaign, a new key);
 * "Clone…" opens it in the form to change something first.
 */
function RunAgainButtons(props: { request: ParsedCampaignRequest }) {
  const submission = useSubmitCampaign();
  const setDraft = useAppStore((state) => state.setCampaignDraft);
  const actionsAllowed = useActionsAllowed();
  const key = useRef(randomKey());
  return (
    <>
      <button
        type="button"
        data-testid="campaign-rerun"
        disabled={submission.isPending || !actionsAllowed}
        onClick={() =>
          void submission
            .mutateAsync({ request: props.request, idempotencyKey: key.current })
            .then((campaign) => {
              window.location.hash = routeHref({
                screen: 'campaign',
                campaignId: campaign.campaignId,
              });
            })
            .catch(() => undefined)
        }
      >
        Re-run
      </button>
      <button
        type="button"
        data-testid="campaign-clone"
        onClick={() => {
          setDraft(fromCampaignRequest(props.request));
          window.location.hash = routeHref({ screen: 'new-campaign' });
        }}
      >
        Clone…
      </button>
      {submission.isError ? (
        <span className="notice error" role="alert">
          Not started: {describeBackendError(submission.error)}
        </span>
      ) : null}
    </>
  );
}

function CancelButton(props: { campaignId: string }) {
  const cancel = useCancelCampaign(props.campaignId);
  // Off while the host is unreachable (the connection banner says why).
  const actionsAllowed = useActionsAllowed();
  const [confirming, setConfirming] = useState(false);
  if (cancel.data?.accepted) return <span className="muted">Cancelling…</span>;
  if (confirming)
    return (
      <span className="form-actions">
        <span>Stop scheduling new batches? Results so far are kept.</span>
        <button
          type="button"
          className="danger"
          data-testid="cancel-confirm"
          disabled={cancel.isPending || !actionsAllowed}
          onClick={() => cancel.mutate('cancelled by the analyst')}
        >
          Cancel campaign
        </button>
        <button type="button" onClick={() => setConfirming(false)}>
          Keep running
        </button>
      </span>
    );
  return (
    <>
      {cancel.isError || cancel.data?.accepted === false ? (
        <span className="notice error">Cancel failed; try again.</span>
      ) : null}
      <button
        type="button"
        className="danger"
        data-testid="cancel-campaign"
        onClick={() => setConfirming(true)}
      >
        Cancel…
      </button>
    </>
  );
}

const OUTCOME_TEXT = {
  approved: 'Approved',
  rejected: 'Rejected',
  'timed-out': 'Timed out',
  withdrawn: 'Withdrawn',
} as const;

/**
 * What stands between the campaign and the network: a pending approval
 * (decided right here), a place in the scope-lock queue, or the rejection
 * that ended it. Also notes who approved a campaign that went on to run.
 */
function CampaignGate(props: { progress: CampaignProgress }) {
  const { progress } = props;
  const { approval, queue } = progress;
  if (progress.state === 'awaiting-approval' && approval) {
    return (
      <div
        className="card gate gate-approval"
        data-testid="campaign-approval"
        data-approval-id={approval.id}
      >
        <div className="page-header" style={{ marginBottom: 8 }}>
          <h2 style={{ margin: 0 }}>Waiting for approval</h2>
          <span className="spacer" />
          <ApprovalCountdown expiresAt={approval.expiresAt} />
        </div>
        <p className="muted" style={{ margin: '0 0 8px' }}>
          Nothing has been scanned. Without a decision by {formatDateTime(approval.expiresAt, true)}{' '}
          the campaign is rejected.
        </p>
        <ApprovalReasons reasons={approval.reasons} />
        <ApprovalDecisionForm approvalId={approval.id} />
      </div>
    );
  }
  if (progress.state === 'queued') {
    return (
      <div className="card gate gate-queued" data-testid="campaign-queue">
        <h2>Queued for its scope</h2>
        {queue ? (
          <dl className="facts">
            <dt>Position</dt>
            <dd data-testid="queue-position">
              {queue.position === 1 ? 'next (1)' : queue.position}
            </dd>
            <dt>Waiting for</dt>
            <dd data-testid="queue-blocked-by">
              {queue.blockedBy.length === 0
                ? 'a scope lock to be released'
                : queue.blockedBy.map((blocker, index) => (
                    <span key={blocker}>
                      {index > 0 ? ', ' : ''}
                      <a
                        className="mono"
                        href={routeHref({ screen: 'campaign', campaignId: blocker })}
                      >
                        {blocker}
                      </a>
                    </span>
                  ))}
            </dd>
            <dt>Queued since</dt>
            <dd>{formatDateTime(queue.queuedAt, true)}</dd>
          </dl>
        ) : (
          <p className="muted">Another campaign holds an overlapping scope.</p>
        )}
      </div>
    );
  }
  if (progress.state === 'rejected') {
    const outcome = approval?.outcome;
    return (
      <div className="card gate gate-rejected" data-testid="campaign-rejected">
        <h2>{outcome?.outcome === 'timed-out' ? 'Rejected: approval timed out' : 'Rejected'}</h2>
        <p style={{ margin: 0 }}>
          Nothing was scanned.
          {outcome?.outcome === 'rejected'
            ? ` Rejected${outcome.by ? ` by ${outcome.by}` : ''} at ${formatDateTime(outcome.at, true)}.`
            : outcome?.outcome === 'timed-out'
              ? ` No decision by ${formatDateTime(approval?.expiresAt, true)}.`
              : ''}
        </p>
        {outcome?.note ? (
          <blockquote className="decision-note" data-testid="rejection-note">
            {outcome.note}
          </blockquote>
        ) : null}
        {approval ? <ApprovalReasons reasons={approval.reasons} /> : null}
      </div>
    );
  }
  if (approval?.outcome && approval.outcome.outcome === 'approved') {
    return (
      <p className="notice" data-testid="campaign-approved">
        {OUTCOME_TEXT.approved}
        {approval.outcome.by ? ` by ${approval.outcome.by}` : ''} at{' '}
        {formatDateTime(approval.outcome.at, true)}
        {approval.outcome.note ? `: “${approval.outcome.note}”` : ''}
      </p>
    );
  }
  return null;
}

/** A rejected campaign past workflow retention: the report's audit trail tells the story. */
function RejectedFromReport(props: { report: CampaignReport }) {
  const entry = props.report.audit.findLast(
    (item) => item.event === 'rejected' || item.event === 'approval timed out',
  );
  return (
    <div className="card gate gate-rejected" data-testid="campaign-rejected">
      <h2>{entry?.event === 'approval timed out' ? 'Rejected: approval timed out' : 'Rejected'}</h2>
      <p style={{ margin: 0 }}>
        Nothing was scanned.{entry?.actor ? ` Rejected by ${entry.actor}.` : ''}
      </p>
      {entry?.detail ? <blockquote className="decision-note">{entry.detail}</blockquote> : null}
    </div>
  );
}

/**
 * What a screen reader hears while the campaign runs: the state and every
 * tenth percent, not each one-second poll (which would talk without pause).
 */
function ProgressAnnouncement(props: { state: string; percent: number }) {
  const step = props.percent === 100 ? 100 : Math.floor(props.percent / 10) * 10;
  return (
    <p className="visually-hidden" role="status" aria-live="polite" data-testid="progress-live">
      Campaign {props.state.replace(/-/g, ' ')}, {step}% of hosts done
    </p>
  );
}

function LiveProgress(props: { progress: CampaignProgress }) {
  const { progress } = props;
  const now = useLiveNow(1000);
  const { totals } = progress;
  // Per host: the durable totals plus hosts finished inside running batches.
  const hosts = hostProgressOf(progress);
  const elapsed = elapsedMs(progress.startedAt, progress.finishedAt, now);
  const remaining = progress.finishedAt
    ? undefined
    : estimateRemainingMs(elapsed, hosts.done, hosts.total);
  const { percent } = hosts;
  return (
    <div className="card" data-testid="campaign-progress" data-state={progress.state}>
      <div className="page-header" style={{ marginBottom: 10 }}>
        <h2 style={{ margin: 0 }}>Progress</h2>
        <span className="mono" data-testid="progress-percent">
          {percent}%
        </span>
        <span className="muted" data-testid="progress-hosts" data-live={hosts.live}>
          {hosts.done.toLocaleString('en-US')} of {hosts.total.toLocaleString('en-US')} hosts
        </span>
      </div>
      <ProgressBar
        done={hosts.done}
        total={hosts.total}
        percent={percent}
        large
        label="Campaign progress"
      />
      <ProgressAnnouncement state={progress.state} percent={percent} />
      <div className="stats" style={{ marginTop: 14 }}>
        <Stat label="Elapsed" value={formatDuration(elapsed)} testId="elapsed" />
        <Stat
          label="Remaining"
          value={
            progress.finishedAt
              ? '—'
              : progress.state === 'awaiting-approval'
                ? 'after approval'
                : progress.state === 'queued'
                  ? 'queued'
                  : remaining === undefined
                    ? 'estimating…'
                    : `~${formatDuration(remaining)}`
          }
          testId="remaining"
        />
        <Stat label="Hosts up" value={totals.hostsUp.toLocaleString('en-US')} testId="hosts-up" />
        <Stat
          label="Open ports"
          value={totals.openPorts.toLocaleString('en-US')}
          testId="open-ports"
        />
        <div className="stat">
          <div className="stat-label">Findings</div>
          <div style={{ marginTop: 6 }}>
            <SeverityCountChips counts={totals.findings} />
          </div>
        </div>
      </div>
      <h3 style={{ marginTop: 16 }}>
        {progress.batches.length} batches of up to {progress.batchSize} hosts
      </h3>
      <BatchGrid batches={progress.batches} />
      {progress.error ? <p className="notice error">{progress.error}</p> : null}
    </div>
  );
}

const BATCH_STATES = ['pending', 'running', 'done', 'failed', 'cancelled'] as const;

function BatchGrid(props: { batches: BatchSummary[] }) {
  const counts = Object.fromEntries(
    BATCH_STATES.map((state) => [
      state,
      props.batches.filter((batch) => batch.state === state).length,
    ]),
  );
  return (
    <>
      <div className="batch-grid" data-testid="batch-grid" role="list" aria-label="Batch states">
        {props.batches.map((batch) => {
          const title = `Batch ${batch.index + 1}: ${batch.state}, ${batch.targets} hosts, ${batch.hostsUp} up, ${batch.openPorts} open ports${batch.error ? ` — ${batch.error}` : ''}`;
          return (
            <div
              key={batch.index}
              role="listitem"
              className={`batch batch-${batch.state}`}
              title={title}
              aria-label={title}
              data-state={batch.state}
            />
          );
        })}
      </div>
      <div className="legend" style={{ marginTop: 8 }}>
        {BATCH_STATES.map((state) => (
          <span key={state}>
            <span className={`batch batch-${state}`} />
            {state} {counts[state]}
          </span>
        ))}
      </div>
    </>
  );
}

function ReportTotals(props: { report: CampaignReport }) {
  const { totals } = props.report;
  return (
    <div className="stats">
      <Stat label="Hosts" value={`${totals.targetsDone} / ${totals.targets}`} />
      <Stat label="Hosts up" value={String(totals.hostsUp)} testId="hosts-up" />
      <Stat label="Open ports" value={String(totals.openPorts)} testId="open-ports" />
      <Stat
        label="Duration"
        value={formatDuration(
          elapsedMs(props.report.startedAt, props.report.finishedAt, Date.now()),
        )}
      />
    </div>
  );
}

function CampaignReportView(props: { report: CampaignReport; finished: boolean }) {
  const { report } = props;
  return (
    <>
      <div className="grid-2">
        <div className="card">
          <h2>Findings by severity</h2>
          <BarChart
            data={severityBars(report.totals.findings)}
            title="Findings by severity"
            testId="chart-severity"
          />
        </div>
        <div className="card">
          <h2>Open ports per service</h2>
          <BarChart
            data={openPortsByService(report)}
            title="Open ports per service"
            testId="chart-services"
          />
        </div>
      </div>
      <div className="card" data-testid="campaign-report" data-complete={report.complete}>
        <div className="page-header" style={{ marginBottom: 8 }}>
          <h2 style={{ margin: 0 }}>{props.finished ? 'Report' : 'Results so far'}</h2>
          {props.finished && !report.complete ? (
            <span className="badge state-cancelled">incomplete</span>
          ) : null}
          <span className="muted">
            {report.hosts.length} hosts with open ports · {report.threats.length} CVEs
          </span>
          <span className="spacer" />
          <div className="report-actions" data-testid="report-actions">
            {props.finished ? <ExportButtons campaignId={report.campaignId} /> : null}
          </div>
        </div>
        <div className="grid-2">
          <div
            className="table-wrap"
            style={{ maxHeight: 420 }}
            tabIndex={0}
            role="region"
            aria-label="Hosts and ports"
          >
            <h3>Hosts and ports</h3>
            <table data-testid="report-hosts">
              <thead>
                <tr>
                  <th>Host</th>
                  <th className="num">Port</th>
                  <th>Service</th>
                  <th>CVEs</th>
                </tr>
              </thead>
              <tbody>
                {report.hosts.flatMap((host) =>
                  host.ports.map((port, index) => (
                    <tr key={`${host.host}:${port.port}`}>
                      <td>{index === 0 ? <HostLink address={host.host} /> : ''}</td>
                      <td className="num mono">{port.port}</td>
                      <td>
                        {[port.product ?? port.service, port.version].filter(Boolean).join(' ') ||
                          '—'}
                      </td>
                      <td className="mono">{port.cves.length > 0 ? port.cves.length : ''}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
          <div
            className="table-wrap"
            style={{ maxHeight: 420 }}
            tabIndex={0}
            role="region"
            aria-label="CVEs"
          >
            <h3>CVEs</h3>
            <table data-testid="report-threats">
              <thead>
                <tr>
                  <th>CVE</th>
                  <th>Severity</th>
                  <th>Product</th>
                  <th>Where</th>
                </tr>
              </thead>
              <tbody>
                {report.threats.map((threat) => (
                  <tr key={threat.cve} data-cve={threat.cve}>
                    <td className="mono nowrap">
                      <a href={routeHref({ screen: 'threat', cve: threat.cve })}>{threat.cve}</a>
                    </td>
                    <td>
                      <SeverityBadge severity={threat.severity} score={threat.cvssScore} />
                    </td>
                    <td>{threat.product}</td>
                    <td>
                      {threat.affected.map((affected, index) => (
                        <span key={`${affected.host}:${affected.port}`}>
                          {index > 0 ? ', ' : ''}
                          <HostLink address={affected.host} port={affected.port} />
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
        {report.skipped.length + report.failedBatches.length > 0 ? (
          <p className="notice">
            {report.skipped.length} targets skipped, {report.failedBatches.length} batches failed
            {report.failedBatches[0] ? ` (first: ${report.failedBatches[0].error})` : ''}.
          </p>
        ) : null}
      </div>
      <div className="card">
        <h2>Audit trail</h2>
        <ol className="timeline" data-testid="audit-trail">
          {report.audit.map((entry, index) => (
            <li key={index}>
              <span className="muted mono">{formatDateTime(entry.at, true)}</span>
              <span>
                <strong>{entry.event}</strong>
                {entry.detail ? ` — ${entry.detail}` : ''}
                {entry.actor ? <span className="muted"> by {entry.actor}</span> : null}
              </span>
            </li>
          ))}
        </ol>
      </div>
    </>
  );
}
