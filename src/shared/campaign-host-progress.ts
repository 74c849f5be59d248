import type { CampaignProgress } from './campaign.js';

/** How far a campaign is, in hosts: what the CLI's and the UI's progress bars draw. */
export interface HostProgress {
  /** Targets of ended batches (durable) plus hosts finished inside running batches (live). */
  done: number;
  total: number;
  /** Whole percent of `done`, rounded down; 100 only once every batch has ended. */
  percent: number;
  /** True when `done` includes live counts from running batches. */
  live: boolean;
}

/**
 * The one definition of a progress bar's position. The durable totals move per
 * batch (a one-batch campaign would jump from 0 to 100 %); the live count of
 * hosts finished in running batches fills the gap while they run. Only ended
 * batches take the percentage to 100: a batch whose hosts are all probed still
 * has its matching and storing to do.
 */
export function hostProgressOf(progress: Pick<CampaignProgress, 'totals' | 'live'>): HostProgress {
  const { targets, targetsDone } = progress.totals;
  const liveHosts = progress.live?.hostsScanned ?? 0;
  const done = Math.max(0, Math.min(targets, targetsDone + liveHosts));
  const whole = targets > 0 ? Math.floor((done / targets) * 100) : 0;
  const percent = targetsDone < targets ? Math.min(99, whole) : whole;
  return { done, total: targets, percent, live: done > targetsDone };
}
