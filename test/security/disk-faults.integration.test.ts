import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { callOptions, connectSpectra } from '../../src/clients/service-clients.js';
import { execa, execaSync } from 'execa';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { servicesForDataDir } from '../../src/main/app-services.js';
import { runCampaign } from '../support/campaign-client.js';
import { startTemporaryHost, temporaryDataDir, waitFor } from '../support/temporary-host.js';

/**
 * A read-only or full data dir: the host never crashes on a write, says what
 * is wrong in one line (host, doctor, spectra commands), recovers when the
 * disk does, and loses nothing. Needs mounts (a read-only bind mount, a small
 * tmpfs), so it runs where the test may mount (root); elsewhere it is skipped
 * with the reason.
 */
const scratch = temporaryDataDir('spectra-disk-');
const mounted: string[] = [];

function mountsAllowed(): string | undefined {
  if (process.platform !== 'linux') return 'mount tests need Linux';
  const probe = join(scratch.dataDir, 'mount-probe');
  mkdirSync(probe, { recursive: true });
  try {
    execaSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]);
    execaSync('umount', [probe]);
    return undefined;
  } catch (error) {
    return `this user may not mount (${(error as Error).message.split('\n')[0]})`;
  }
}
const skipReason = mountsAllowed();
if (skipReason) console.warn(`skipping the disk fault tests: ${skipReason}`);

function mount(...args: string[]): void {
  execaSync('mount', args);
  const target = args.at(-1)!;
  if (!mounted.includes(target)) mounted.push(target);
}
function unmount(target: string): void {
  execaSync('umount', [target]);
  mounted.splice(mounted.indexOf(target), 1);
}
/** The directory itself becomes a mount point, so it can be remounted read-only and back. */
function bindToItself(directory: string): void {
  mount('--bind', directory, directory);
}
function setReadOnly(directory: string, readOnly: boolean): void {
  execaSync('mount', ['-o', `remount,bind,${readOnly ? 'ro' : 'rw'}`, directory]);
}

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (disposers.length) await disposers.pop()!();
});
afterAll(() => {
  for (const target of [...mounted].reverse()) execaSync('umount', ['-l', target]);
  scratch.remove();
});

function spectra(dataDir: string, ...args: string[]) {
  return execa('node', ['bin/spectra.mjs', ...args, '--data-dir', dataDir], {
    preferLocal: true,
    reject: false,
    timeout: 120_000,
  });
}

describe.skipIf(skipReason)('disk faults', () => {
  it('a read-only data dir: one clear line from doctor, commands and serve; nothing lost after', async () => {
    const dataDir = join(scratch.dataDir, 'read-only');
    mkdirSync(dataDir, { recursive: true });
    // A campaign exists before the disk goes read-only.
    const first = await startTemporaryHost({ dataDir, services: servicesForDataDir(dataDir) });
    const { campaignId } = await runCampaign(first.ingress, {
      name: 'before read-only',
      targets: '127.0.0.1',
      ports: '9',
      scope: '127.0.0.1/32',
      engine: 'builtin',
    });
    await first.close();

    bindToItself(dataDir);
    setReadOnly(dataDir, true);
    const doctor = await spectra(dataDir, 'doctor');
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toContain(`FAIL  data dir: data dir read-only: ${dataDir} (EROFS)`);

    for (const command of [['campaigns'], ['serve', '--no-ui']]) {
      const answer = await spectra(dataDir, ...command);
      expect(answer.exitCode, command.join(' ')).not.toBe(0);
      expect(answer.stderr.trim(), command.join(' ')).toBe(
        `spectra: data dir read-only: ${dataDir} (EROFS)`,
      );
    }

    const feedImport = await spectra(
      dataDir,
      'feeds',
      'import',
      join(import.meta.dirname, '../../src/services/vulnerabilities/fixtures/nvd-feed-valid.json'),
    );
    expect(feedImport.exitCode).not.toBe(0);
    expect(feedImport.stderr.trim()).toBe(
      `spectra: feeds import: data dir read-only: ${dataDir} (EROFS)`,
    );

    setReadOnly(dataDir, false);
    const listed = await spectra(dataDir, 'campaigns', '--json');
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ campaignId, state: 'completed' }]);
    unmount(dataDir);
  });

  it('a logs dir that turns read-only under a running host: logs degrade, one fault, recovery', async () => {
    const dataDir = join(scratch.dataDir, 'turns-read-only');
    mkdirSync(dataDir, { recursive: true });
    const host = await startTemporaryHost({ dataDir, services: servicesForDataDir(dataDir) });
    const logsDir = join(dataDir, 'logs');
    disposers.push(async () => {
      if (mounted.includes(logsDir)) unmount(logsDir);
      await host.close();
    });
    const faults: Array<string | undefined> = [];
    host.on('disk-fault', (fault?: { message: string }) => faults.push(fault?.message));

    // A live filesystem with open files cannot be remounted read-only (EBUSY), so a
    // read-only filesystem is mounted over the logs dir the host writes to.
    mount('-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', logsDir);
    // Writes to host.log now fail: they must neither throw nor stop the host.
    for (let line = 0; line < 50; line++) host.logger.info('a line on a read-only disk', { line });
    expect(host.diskFault()?.message).toBe(`data dir read-only: ${dataDir} (EROFS)`);
    expect(faults).toEqual([`data dir read-only: ${dataDir} (EROFS)`]);

    unmount(logsDir);
    await waitFor('the fault to clear', () => host.diskFault() === undefined, 15_000);
    expect(faults.at(-1)).toBeUndefined();
    // The host still serves requests.
    const listed = await connectSpectra(host.ingress).campaignIndex().list();
    expect(Array.isArray(listed)).toBe(true);
  });

  it('a full data dir: restate-server stops writing, the host says so, and restarts it when space is back', async () => {
    const dataDir = join(scratch.dataDir, 'full');
    mkdirSync(dataDir, { recursive: true });
    mount('-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', dataDir);
    const host = await startTemporaryHost({ dataDir, services: servicesForDataDir(dataDir) });
    disposers.push(async () => {
      rmSync(join(dataDir, 'filler'), { force: true });
      await host.close();
      unmount(dataDir);
    });
    const states: string[] = [];
    host.on('server-state', (state: string) => states.push(state));
    const campaign = (name: string) => ({
      name,
      targets: '127.0.0.1',
      ports: '9',
      scope: '127.0.0.1/32',
      engine: 'builtin' as const,
    });
    const before = await runCampaign(host.ingress, campaign('before the disk filled'));

    // Fill what is left, then ask restate-server to write.
    await execa('dd', ['if=/dev/zero', `of=${join(dataDir, 'filler')}`, 'bs=1M'], {
      reject: false,
    });
    const campaigns = connectSpectra(host.ingress).campaigns();
    // RocksDB preallocates its log files, so a write can still land in space it
    // reserved before the disk filled (seen once in a CI run); the next ones cannot.
    let refused = 'accepted';
    for (let attempt = 0; attempt < 5 && refused === 'accepted'; attempt++) {
      refused = await Promise.resolve(
        campaigns.submit(campaign(`on a full disk ${attempt}`), callOptions({ timeout: 4_000 })),
      ).then(
        () => 'accepted',
        (error: Error) => error.name,
      );
    }
    expect(refused).toBe('TimeoutError');
    for (let line = 0; line < 200; line++) {
      host.logger.info('a line on a full disk', { padding: 'x'.repeat(2_000) });
    }
    await waitFor('the full-disk fault', () => host.diskFault()?.kind === 'full', 10_000);
    expect(host.diskFault()?.message).toBe(`data dir full: ${dataDir} (ENOSPC)`);
    const doctor = await spectra(dataDir, 'doctor');
    expect(doctor.stdout).toContain(`FAIL  data dir: data dir full: ${dataDir} (ENOSPC)`);

    rmSync(join(dataDir, 'filler'));
    await waitFor('the fault to clear', () => host.diskFault() === undefined, 15_000);
    await waitFor('restate-server ready', () => host.serverState() === 'ready', 60_000);
    expect(states).toContain('stopping'); // restarted: it re-enables writes only on restart
    const after = await runCampaign(host.ingress, campaign('after space is back'));
    const listed = await connectSpectra(host.ingress).campaignIndex().list();
    expect(listed.map((listing) => listing.campaignId)).toEqual(
      expect.arrayContaining([before.campaignId, after.campaignId]),
    );
  });
});
