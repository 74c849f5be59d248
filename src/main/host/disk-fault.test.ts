import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DiskFaultMonitor,
  diskFaultOf,
  isServerWritesDisabledLine,
  probeWritable,
} from './disk-fault.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('disk faults', () => {
  it('names read-only, full and unwritable data dirs in one line', () => {
    expect(diskFaultOf(errno('EROFS'), '/d')).toEqual({
      kind: 'read-only',
      message: 'data dir read-only: /d (EROFS)',
    });
    expect(diskFaultOf(errno('ENOSPC'), '/d')?.message).toBe('data dir full: /d (ENOSPC)');
    expect(diskFaultOf(errno('EDQUOT'), '/d')?.kind).toBe('full');
    expect(diskFaultOf(errno('EACCES'), '/d')?.kind).toBe('not-writable');
    expect(diskFaultOf(errno('ECONNRESET'), '/d')).toBeUndefined();
    expect(diskFaultOf(new Error('plain'), '/d')).toBeUndefined();
  });

  it('probes a writable directory and leaves nothing behind', () => {
    const directory = mkdtempSync(join(tmpdir(), 'spectra-probe-'));
    try {
      expect(probeWritable(directory)).toBeUndefined();
      expect(readdirSync(directory)).toEqual([]);
      expect(probeWritable(join(directory, 'missing'))?.kind).toBe('not-writable');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reports a change once per distinct fault', () => {
    const monitor = new DiskFaultMonitor('/d');
    const seen: unknown[] = [];
    monitor.on('change', (fault) => seen.push(fault?.kind));
    expect(monitor.reportWriteFailure(errno('EROFS'))).toBe(true);
    expect(monitor.reportWriteFailure(errno('EROFS'))).toBe(true);
    expect(monitor.reportWriteFailure(new Error('other'))).toBe(false);
    monitor.set(undefined);
    expect(seen).toEqual(['read-only', undefined]);
  });

  it("recognises restate-server's disabled-writes lines", () => {
    expect(
      isServerWritesDisabledLine(
        'Writes to log-server have been disabled until the node is manually restarted and the underlying reason has been resolved. Reason: No space left on device',
      ),
    ).toBe(true);
    expect(isServerWritesDisabledLine('LogStore writes disabled: io error')).toBe(true);
    expect(isServerWritesDisabledLine('Partition processor started')).toBe(false);
  });
});
