/**
 * Per-host progress from nmap's XML output while it runs.
 *
 * nmap writes a `<host>` element only when its whole host group is done (a
 * 20-host scan prints all 20 at the end), so counting `</host>` alone moves
 * per group, not per host. With `--stats-every`, nmap also prints
 * `<taskprogress task="Connect Scan" percent="…"/>` for the group in progress;
 * hosts done are then estimated as the hosts of finished groups plus that
 * percentage of the current group. The estimate never goes backwards and never
 * counts the current group as finished before its `</host>` elements arrive.
 */

/** How often nmap prints a `<taskprogress>` line (`--stats-every`). */
export const NMAP_STATS_INTERVAL = '1s';

/**
 * The host group size nmap 7.x picks for a TCP scan (nmap.cc,
 * `determineScanGroupSize`): 1024 / ports, at least 64; with more than 1000
 * ports, the first group is 8 hosts at -T4 (4 below) for quick first results.
 * Only used to spread a group's percentage over its hosts; a wrong guess is
 * corrected when the group's hosts are printed.
 */
export function nmapHostGroupSize(portCount: number, timing: number, firstGroup: boolean): number {
  if (portCount > 1000 && timing <= 4 && firstGroup) return timing === 4 ? 8 : 4;
  return Math.max(64, Math.floor(1024 / Math.max(1, portCount)));
}

/** The tasks whose percentage measures probing (service detection comes after; its percentage restarts). */
const PROBING_TASK = 'Connect Scan';
const HOST_END = '</host>';
const TASK_PROGRESS = /<taskprogress task="([^"]*)"[^>]*? percent="([\d.]+)"/g;

export class NmapProgressReader {
  /** Hosts whose `<host>` element nmap has printed. */
  private hostsPrinted = 0;
  /** Percentage of the probing task of the current group. */
  private groupPercent = 0;
  private estimate = 0;
  /** The unfinished tag at the end of the last chunk. */
  private carry = '';

  constructor(
    private readonly hosts: number,
    private readonly portCount: number,
    private readonly timing: number,
  ) {}

  /** Reads one chunk of nmap's stdout; returns true when the hosts-done estimate moved. */
  read(chunk: Buffer | string): boolean {
    const text = this.carry + (typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
    let ended = 0;
    for (let index = text.indexOf(HOST_END); index >= 0; index = text.indexOf(HOST_END, index + 1))
      ended += 1;
    if (ended > 0) {
      this.hostsPrinted += ended;
      this.groupPercent = 0;
    }
    for (const match of text.matchAll(TASK_PROGRESS))
      if (match[1] === PROBING_TASK) this.groupPercent = Number(match[2]);
    const open = text.lastIndexOf('<');
    this.carry = open >= 0 && text.indexOf('>', open) < 0 ? text.slice(open) : '';
    return this.update();
  }

  /** Hosts done so far (estimated within the current group). */
  hostsDone(): number {
    return this.estimate;
  }

  private update(): boolean {
    const remaining = Math.max(0, this.hosts - this.hostsPrinted);
    const group = Math.min(
      remaining,
      nmapHostGroupSize(this.portCount, this.timing, this.hostsPrinted === 0),
    );
    // The current group counts as done only once its hosts are printed.
    const withinGroup = Math.min(
      Math.max(0, group - 1),
      Math.floor((this.groupPercent / 100) * group),
    );
    const next = Math.min(this.hosts, Math.max(this.estimate, this.hostsPrinted + withinGroup));
    if (next === this.estimate) return false;
    this.estimate = next;
    return true;
  }
}
