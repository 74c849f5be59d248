import { readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * What the launcher needs of the data dir, without zod: the schemas in
 * main/host/data-dir.ts would cost the launcher ~12 MB of RSS for as long as
 * `spectra serve` runs. host-info-file.test.ts keeps these equal to
 * dataDirLayout and defaultCliDataDir.
 */
export function launcherDataDir(argv: string[], environment = process.env): string {
  for (const [index, argument] of argv.entries()) {
    const next = argv[index + 1];
    if (argument === '--data-dir' && next) return next;
    if (argument.startsWith('--data-dir=')) return argument.slice('--data-dir='.length);
  }
  const base = environment.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'spectra-red');
}

export function hostInfoFileOf(dataDir: string): string {
  return join(dataDir, 'host.json');
}

/** The fields of host.json the launcher uses; undefined when missing or malformed. */
export function readHostInfo(dataDir: string): { pid: number; startedAt: string } | undefined {
  try {
    const info = JSON.parse(readFileSync(hostInfoFileOf(dataDir), 'utf8')) as Record<
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

export function removeHostInfo(dataDir: string): void {
  rmSync(hostInfoFileOf(dataDir), { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
