import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataDirLayout, ensureDataDir, writeJsonFileAtomically } from './data-dir.js';
import { isZombie } from './host-process.js';
import { processStartTime, removeStaleHostInfo } from './stale-host-info.js';

const dataDirs: string[] = [];
afterEach(() => {
  for (const dataDir of dataDirs.splice(0)) rmSync(dataDir, { recursive: true, force: true });
});

function dataDirWithHostInfo(pid: number, startedAt: string): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'spectra-stale-'));
  dataDirs.push(dataDir);
  const layout = dataDirLayout(dataDir);
  ensureDataDir(layout);
  writeJsonFileAtomically(layout.hostInfoFile, {
    pid,
    appVersion: '0.0.0-test',
    ingressUrl: 'http://127.0.0.1:1',
    adminUrl: 'http://127.0.0.1:2',
    startedAt,
  });
  return dataDir;
}

describe.skipIf(process.platform !== 'linux')('removeStaleHostInfo', () => {
  it('reads this process’s start time, close to what uptime says', () => {
    const started = processStartTime(process.pid)!;
    expect(Math.abs(started - (Date.now() - process.uptime() * 1000))).toBeLessThan(2_000);
    expect(isZombie(process.pid)).toBe(false);
  });

  it('keeps host.json of a live host written after the process started', () => {
    const dataDir = dataDirWithHostInfo(process.pid, new Date().toISOString());
    expect(removeStaleHostInfo(dataDir, () => true)).toBe(false);
    expect(existsSync(dataDirLayout(dataDir).hostInfoFile)).toBe(true);
  });

  it('removes host.json whose pid is gone', () => {
    const dataDir = dataDirWithHostInfo(process.pid, new Date().toISOString());
    expect(removeStaleHostInfo(dataDir, () => false)).toBe(true);
    expect(existsSync(dataDirLayout(dataDir).hostInfoFile)).toBe(false);
  });

  it('removes host.json whose pid now belongs to a process started after it was written', () => {
    const dataDir = dataDirWithHostInfo(
      process.pid,
      new Date(Date.now() - 3_600_000).toISOString(),
    );
    expect(removeStaleHostInfo(dataDir, () => true)).toBe(true);
  });
});
