import type { CampaignProgress, CampaignReport, SeverityCounts } from '../shared/campaign.js';
import { FINISHED_CAMPAIGN_STATES } from '../shared/campaign.js';
import { SEVERITY_ORDER } from '../shared/vulnerability.js';
import { formatDuration as formatExactDuration } from '../shared/approval.js';
import { forTerminal } from './terminal-text.js';
import { hostProgressOf } from '../shared/campaign-host-progress.js';

/** Whole seconds are enough for a progress line: `5s`, `1m5s`. */
function formatDuration(milliseconds: number): string {
  return formatExactDuration(Math.round(Math.max(0, milliseconds) / 1000) * 1000);
}

export function formatSeverityCounts(counts: SeverityCounts): string {
  return SEVERITY_ORDER.filter((severity) => severity !== 'none')
    .map((severity) => `${severity} ${counts[severity] ?? 0}`)
    .join(', ');
}

/** While a campaign waits (approval, scope lock), an unchanged state is repeated at most this often. */
export const WAITING_REMINDER_MS = 60_000;
/**
 * Piped output prints changed counts at most this often (hosts finish many
 * times a second); a new state prints at once.
 */
export const PIPED_COUNTS_INTERVAL_MS = 5_000;

/** What makes a progress line news at once: the state and the place in line. */
function stateKey(progress: CampaignProgress): string {
  return JSON.stringify([progress.state, progress.approval?.id, progress.queue?.position]);
}

/**
 * What makes a progress line news: the state, the counts (live hosts
 * included) and the place in line, not the clock (elapsed time and countdowns
 * change every poll).
 */
export function progressKey(progress: CampaignProgress): string {
  const { totals } = progress;
  return JSON.stringify([
    stateKey(progress),
    hostProgressOf(progress).done,
    totals.targetsDone,
    totals.targets,
    totals.hostsUp,
    totals.openPorts,
    totals.findings,
  ]);
}

/**
 * Shows a campaign's progress, per host (hosts finished in running batches
 * included, see campaign-host-progress.ts): a bar redrawn in place on a
 * terminal; when output goes to a file or a pipe, a line per change only, new
 * counts at most every {@link PIPED_COUNTS_INTERVAL_MS} (a campaign that waits
 * a day for approval prints a reminder a minute, not a line a second).
 */
export class ProgressDisplay {
  private lastKey = '';
  private lastStateKey = '';
  private lastPrintedAt = 0;
  constructor(
    private readonly stream: Pick<
      NodeJS.WriteStream,
      'write' | 'isTTY' | 'columns'
    > = process.stderr,
    private readonly now: () => number = Date.now,
  ) {}

  update(progress: CampaignProgress): void {
    const { totals } = progress;
    const hosts = hostProgressOf(progress);
    // The stored `updatedAt` moves per batch; a running campaign's clock is this one.
    const endedAt = FINISHED_CAMPAIGN_STATES.includes(progress.state)
      ? Date.parse(progress.finishedAt ?? progress.updatedAt)
      : this.now();
    const elapsed = endedAt - Date.parse(progress.startedAt);
    const body = `${progress.state}${stateDetail(progress)} ${hosts.done}/${hosts.total} targets, ${totals.openPorts} open ports, findings: ${formatSeverityCounts(totals.findings)} (${formatDuration(elapsed)})`;
    if (this.stream.isTTY) {
      const width = 24;
      const filled = Math.floor((hosts.percent / 100) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${hosts.percent}% ${body}`;
      this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\u001b[K`);
      if (FINISHED_CAMPAIGN_STATES.includes(progress.state)) this.stream.write('\n');
      return;
    }
    const key = progressKey(progress);
    const state = stateKey(progress);
    const waiting = progress.state === 'awaiting-approval' || progress.state === 'queued';
    const now = this.now();
    const sincePrinted = now - this.lastPrintedAt;
    if (
      state !== this.lastStateKey ||
      (key !== this.lastKey && sincePrinted >= PIPED_COUNTS_INTERVAL_MS) ||
      (waiting && sincePrinted >= WAITING_REMINDER_MS)
    ) {
      this.stream.write(`progress: ${body}\n`);
      this.lastKey = key;
      this.lastStateKey = state;
      this.lastPrintedAt = now;
    }
  }
}

/** What a waiting campaign waits for: the analyst (until when) or the scope lock (which place in line). */
function stateDetail(progress: CampaignProgress): string {
  if (progress.state === 'awaiting-approval' && progress.approval) {
    const left = Date.parse(progress.approval.expiresAt) - Date.now();
    return ` (approve with: spectra approve ${progress.approval.id} --note ...; times out in ${formatDuration(left)})`;
  }
  if (progress.state === 'queued' && progress.queue) {
    return ` (position ${progress.queue.position} behind ${forTerminal(progress.queue.blockedBy.join(', '))})`;
  }
  return '';
}

/** Services listed per CVE in a summary: a CVE on every host of a /16 stays one readable line. */
const AFFECTED_SHOWN_PER_CVE = 10;

export function formatCampaignSummary(report: CampaignReport): string {
  const { totals } = report;
  const lines = [
    `Campaign ${report.campaignId} "${forTerminal(report.name)}": ${report.state}${report.complete ? '' : ' (results incomplete)'}`,
    `  ${report.engine ? `engine ${report.engine}` : `no engine ran (${report.state === 'rejected' ? 'rejected before scanning' : `requested ${report.request?.engine ?? 'auto'}`})`}, ${totals.targetsDone}/${totals.targets} targets scanned`,
    `  hosts up: ${totals.hostsUp}, hosts with open ports: ${report.hosts.length}, open ports: ${totals.openPorts}`,
    `  findings: ${formatSeverityCounts(totals.findings)}`,
  ];
  for (const threat of report.threats) {
    const shown = threat.affected.slice(0, AFFECTED_SHOWN_PER_CVE);
    const more = threat.affected.length - shown.length;
    const where =
      forTerminal(shown.map((service) => `${service.host}:${service.port}`).join(' ')) +
      (more > 0 ? ` and ${more} more (spectra threat ${forTerminal(threat.cve)})` : '');
    lines.push(
      `  ${threat.severity.padEnd(8)} ${threat.cvssScore.toFixed(1)} ${forTerminal(threat.cve).padEnd(16)} ${forTerminal(threat.product)} ${where}`,
    );
  }
  if (report.skipped.length) {
    lines.push(
      `  skipped: ${forTerminal(report.skipped.map((skipped) => `${skipped.target} (${skipped.reason})`).join(', '))}`,
    );
  }
  for (const failed of report.failedBatches)
    lines.push(`  batch ${failed.index} failed: ${forTerminal(failed.error)}`);
  return lines.join('\n');
}
