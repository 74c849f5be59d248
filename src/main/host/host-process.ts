import { readFileSync } from 'node:fs';

/**
 * Whether the process named in host.json runs: every reader of host.json
 * (the host, the CLI's commands, serve's stale check) uses this one rule.
 */

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A zombie: dead, but not yet reaped by its parent (in containers, an init
 * that never reaps keeps them forever); `kill(pid, 0)` still succeeds on it.
 */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * What tells process `pid` apart from a later process given the same pid:
 * the boot it runs in and its start time in clock ticks since that boot
 * (Linux /proc; neither moves when the wall clock is set). Undefined where
 * that cannot be read.
 */
export function processIdentity(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the command name, which may itself hold spaces and parentheses.
    const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return startTicks && bootId ? `${bootId}/${startTicks}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one rule for "the host in host.json is running": its process is alive,
 * not a zombie, and the very process that wrote the file, not one that was
 * given the same pid later (after a crash, a SIGKILL or a reboot). A file
 * without an identity (an older app version's) is judged by the pid alone.
 */
export function isHostProcessRunning(
  host: { pid: number; processIdentity?: string | undefined },
  isAlive: (pid: number) => boolean = isProcessAlive,
): boolean {
  if (!isAlive(host.pid) || isZombie(host.pid)) return false;
  if (host.processIdentity === undefined) return true;
  const current = processIdentity(host.pid);
  return current === undefined || current === host.processIdentity;
}
