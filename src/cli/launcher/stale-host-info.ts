import { readFileSync } from 'node:fs';
import { isHostProcessRunning } from '../../main/host/host-process.js';
import { readHostInfo, removeHostInfo } from './host-info-file.js';

/**
 * When the process `pid` started, in epoch milliseconds (Linux: /proc), or
 * undefined where that cannot be read.
 */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot) counted after the
    // command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fields[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(startTicks) || !Number.isFinite(bootSeconds)) return undefined;
    // USER_HZ is 100 on every Linux architecture Node runs on.
    return bootSeconds * 1000 + startTicks * 10;
  } catch {
    return undefined;
  }
}

/**
 * host.json left behind by a host that died: its pid is gone (or a zombie), or now belongs
 * to a process that started after the file was written (pid reuse). Removes
 * it so it never blocks a start; says whether it did.
 */
export function removeStaleHostInfo(dataDir: string, isAlive: (pid: number) => boolean): boolean {
  const info = readHostInfo(dataDir);
  if (!info) return false;
  let stale = !isHostProcessRunning(info.pid, isAlive);
  if (!stale) {
    const started = processStartTime(info.pid);
    // One second of slack for clock-tick rounding and boot-time granularity.
    stale = started !== undefined && started > Date.parse(info.startedAt) + 1000;
  }
  if (stale) removeHostInfo(dataDir);
  return stale;
}
