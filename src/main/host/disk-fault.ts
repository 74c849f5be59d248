import { EventEmitter } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Why the data dir cannot take writes, in the words the analyst sees. */
export type DiskFaultKind = 'read-only' | 'full' | 'not-writable' | 'server-writes-disabled';

export interface DiskFault {
  kind: DiskFaultKind;
  /** One line, e.g. `data dir read-only: /home/a/.local/share/spectra-red (EROFS)`. */
  message: string;
}

const KIND_BY_CODE: Record<string, DiskFaultKind> = {
  EROFS: 'read-only',
  ENOSPC: 'full',
  EDQUOT: 'full',
  EACCES: 'not-writable',
  EPERM: 'not-writable',
};

const WORDS: Record<DiskFaultKind, string> = {
  'read-only': 'data dir read-only',
  full: 'data dir full',
  'not-writable': 'data dir not writable',
  'server-writes-disabled':
    'restate-server stopped writing (data dir full or failing?); it is restarted once the data dir takes writes again',
};

/** The fault behind a failed write, or undefined when the error is not about the disk. */
export function diskFaultOf(error: unknown, dataDir: string): DiskFault | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const kind = code ? KIND_BY_CODE[code] : undefined;
  return kind ? { kind, message: `${WORDS[kind]}: ${dataDir} (${code})` } : undefined;
}

/**
 * Really writes (and removes) a small file in `directory`: `access(W_OK)`
 * says yes on a read-only mount for root, and a full disk accepts an empty
 * file, so the probe writes some bytes.
 */
export function probeWritable(directory: string, dataDir = directory): DiskFault | undefined {
  const probe = join(directory, `.write-probe-${process.pid}`);
  try {
    writeFileSync(probe, Buffer.alloc(4096, 0x20), { mode: 0o600 });
    return undefined;
  } catch (error) {
    return (
      diskFaultOf(error, dataDir) ?? {
        kind: 'not-writable',
        message: `data dir not writable: ${dataDir} (${(error as Error).message.split('\n')[0]})`,
      }
    );
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // Read-only: nothing was created.
    }
  }
}

/**
 * restate-server's own log says so when it stops writing ("Writes to
 * log-server have been disabled until the node is manually restarted",
 * "LogStore writes disabled", "No space left on device").
 */
export function isServerWritesDisabledLine(line: string): boolean {
  return /writes (to [a-z-]+ )?(have been )?disabled|No space left on device|read-only mode/i.test(
    line,
  );
}

/**
 * The one place that knows whether the data dir currently takes writes.
 * Write paths report failures here instead of throwing; the host shows the
 * fault (CLI, UI, log) and clears it when a probe succeeds again.
 *
 * Events: 'change' (DiskFault | undefined).
 */
export class DiskFaultMonitor extends EventEmitter {
  private fault: DiskFault | undefined;

  constructor(readonly dataDir: string) {
    super();
  }

  get current(): DiskFault | undefined {
    return this.fault;
  }

  /** Records a failed write; returns true when it was a disk fault (the caller may then degrade). */
  reportWriteFailure(error: unknown): boolean {
    const fault = diskFaultOf(error, this.dataDir);
    if (!fault) return false;
    this.set(fault);
    return true;
  }

  set(fault: DiskFault | undefined): void {
    if (fault?.message === this.fault?.message) return;
    this.fault = fault;
    this.emit('change', fault);
  }
}
