import { readFileSync, rmSync } from 'node:fs';
import { dataDirLayout } from './data-dir.js';
import { isHostProcessRunning } from './host-process.js';

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

/**
 * host.json with only the fields this check needs: a file of an older layout
 * (another app version) must still be recognised as stale. Undefined when
 * missing or malformed.
 */
function readHostInfo(dataDir: string): { pid: number; startedAt: string } | undefined {
  try {
    const info = JSON.parse(readFileSync(dataDirLayout(dataDir).hostInfoFile, 'utf8')) as Record<
      string,
      unknown
    >;
    return Number.isInteger(info.pid) && typeof info.startedAt === 'string'
      ? { pid: info.pid as number, startedAt: info.startedAt }
      : undefined;
  } catch {
    return undefined;
  }
}

function removeHostInfo(dataDir: string): void {
  rmSync(dataDirLayout(dataDir).hostInfoFile, { force: true });
}
