import { readFileSync } from 'node:fs';

/**
 * Whether the process named in host.json runs, without zod: the launcher
 * (src/cli/launcher, on any Node and kept small) and the host read host.json
 * by the same rule.
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
