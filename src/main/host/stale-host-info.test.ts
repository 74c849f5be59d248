import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dataDirLayout,
  ensureDataDir,
  readRunningHostInfo,
  writeJsonFileAtomically,
} from './data-dir.js';
import { isZombie, processIdentity } from './host-process.js';
import { removeStaleHostInfo } from './stale-host-info.js';

const dataDirs: string[] = [];
afterEach(() => {
  for (const dataDir of dataDirs.splice(0)) rmSync(dataDir, { recursive: true, force: true });
});

function dataDirWithHostInfo(pid: number, identity: string | undefined): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'spectra-stale-'));
  dataDirs.push(dataDir);
  const layout = dataDirLayout(dataDir);
  ensureDataDir(layout);
  writeJsonFileAtomically(layout.hostInfoFile, {
    pid,
    appVersion: '0.0.0-test',
    ingressUrl: 'http://127.0.0.1:1',
    adminUrl: 'http://127.0.0.1:2',
    startedAt: new Date().toISOString(),
    ...(identity !== undefined && { processIdentity: identity }),
  });
  return dataDir;
}

describe.skipIf(process.platform !== 'linux')('removeStaleHostInfo', () => {
  it('tells this process apart from another one', async () => {
    const mine = processIdentity(process.pid);
    expect(mine).toMatch(/^[\w-]+\/\d+$/);
    expect(processIdentity(process.pid)).toBe(mine);
    // pid 1 started at boot, long before this test.
    expect(processIdentity(1)).not.toBe(mine);
    expect(isZombie(process.pid)).toBe(false);
  });

  it('keeps host.json of the live process that wrote it', () => {
    const dataDir = dataDirWithHostInfo(process.pid, processIdentity(process.pid));
    expect(removeStaleHostInfo(dataDir, () => true)).toBe(false);
    expect(existsSync(dataDirLayout(dataDir).hostInfoFile)).toBe(true);
    expect(readRunningHostInfo(dataDir)?.pid).toBe(process.pid);
  });

  it('removes host.json whose pid is gone', () => {
    const dataDir = dataDirWithHostInfo(process.pid, processIdentity(process.pid));
    expect(removeStaleHostInfo(dataDir, () => false)).toBe(true);
    expect(existsSync(dataDirLayout(dataDir).hostInfoFile)).toBe(false);
  });

  it('removes host.json whose pid now belongs to another process (pid reused after a crash or a reboot)', () => {
    const identity = processIdentity(process.pid)!;
    const earlierBoot = `00000000-0000-0000-0000-000000000000/${identity.split('/')[1]}`;
    for (const stale of [`${identity.split('/')[0]}/1`, earlierBoot]) {
      const dataDir = dataDirWithHostInfo(process.pid, stale);
      // Every reader agrees: no command talks to it, and no start is refused because of it.
      expect(readRunningHostInfo(dataDir)).toBeUndefined();
      expect(removeStaleHostInfo(dataDir, () => true)).toBe(true);
    }
  });

  it('judges a host.json of an older version (no identity) by its pid alone', () => {
    const dataDir = dataDirWithHostInfo(process.pid, undefined);
    expect(readRunningHostInfo(dataDir)?.pid).toBe(process.pid);
    expect(removeStaleHostInfo(dataDir, () => true)).toBe(false);
    expect(removeStaleHostInfo(dataDir, () => false)).toBe(true);
  });
});
