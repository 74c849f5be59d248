/**
 * Per-host progress from nmap's XML output while it runs.
 *
 * nmap writes a `<host>` element only when its whole host group is done (a
 * 20-host scan prints all 20 at the end), so counting hosts alone moves
 * per group, not per host. With `--stats-every`, nmap also prints
 * `<taskprogress task="Connect Scan" percent="…"/>` for the group in progress;
 * hosts done are then estimated as the hosts of finished groups plus that
 * percentage of the current group. The estimate never goes backwards and never
 * counts the current group as finished before its hosts arrive. The XML is
 * read by NmapXmlStream (nmap-xml.ts), which calls the two methods below.
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

export class NmapProgressReader {
  /** Hosts whose `<host>` element nmap has printed. */
  private hostsPrinted = 0;
  /** Percentage of the probing task of the current group. */
  private groupPercent = 0;
  private estimate = 0;

  constructor(
    private readonly hosts: number,
    private readonly portCount: number,
    private readonly timing: number,
  ) {}

  /** nmap printed one more host (its group is done); returns true when the hosts-done estimate moved. */
  hostReported(): boolean {
    this.hostsPrinted += 1;
    this.groupPercent = 0;
    return this.update();
  }

  /** nmap printed a `<taskprogress>`; returns true when the hosts-done estimate moved. */
  taskProgressed(task: string, percent: number): boolean {
    if (task !== PROBING_TASK) return false;
    this.groupPercent = percent;
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
