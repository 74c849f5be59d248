import { readFileSync } from 'node:fs';

/**
 * CPU time from /proc, for figures that shared, noisy machines do not skew as
 * much as wall time: how much work a campaign costs beside the scan itself.
 */

/** Linux reports /proc times in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

export interface ProcessCpu {
  /** User + system time of the process itself. */
  ownSeconds: number;
  /** User + system time of its children it has waited for (the host's nmap processes). */
  childrenSeconds: number;
}

export function processCpu(pid: number | 'self'): ProcessCpu {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (number: number) => Number(fields[number - 3]);
  return {
    ownSeconds: (field(14) + field(15)) / TICKS_PER_SECOND,
    childrenSeconds: (field(16) + field(17)) / TICKS_PER_SECOND,
  };
}

/** CPU each named process spent between two readings. */
export function cpuSpent(
  before: Record<string, ProcessCpu>,
  after: Record<string, ProcessCpu>,
): Record<string, ProcessCpu> {
  return Object.fromEntries(
    Object.entries(after).map(([name, reading]) => [
      name,
      {
        ownSeconds: round(reading.ownSeconds - (before[name]?.ownSeconds ?? 0)),
        childrenSeconds: round(reading.childrenSeconds - (before[name]?.childrenSeconds ?? 0)),
      },
    ]),
  );
}

const round = (seconds: number) => Math.round(seconds * 100) / 100;
