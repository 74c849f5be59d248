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

/** The one rule for "the host in host.json is running": its process is alive and not a zombie. */
export function isHostProcessRunning(
  pid: number,
  isAlive: (pid: number) => boolean = isProcessAlive,
): boolean {
  return isAlive(pid) && !isZombie(pid);
}
