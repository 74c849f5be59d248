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

/**
 * Set by the launcher on a command it runs in its own process because a host
 * runs on the data dir: what it read of host.json, so the command connects
 * without reading and checking the file again (src/cli/host-connection.ts).
 */
export const RUNNING_HOST_VARIABLE = 'SPECTRA_RUNNING_HOST';

/** host.json with the fields the launcher uses checked; undefined when missing or malformed. */
export function readHostInfo(
  dataDir: string,
): { pid: number; startedAt: string; [field: string]: unknown } | undefined {
  try {
    const info = JSON.parse(readFileSync(hostInfoFileOf(dataDir), 'utf8')) as Record<
      string,
      unknown
    >;
    return Number.isInteger(info.pid) && typeof info.startedAt === 'string'
      ? { ...info, pid: info.pid as number, startedAt: info.startedAt }
      : undefined;
  } catch {
    return undefined;
  }
}

export function removeHostInfo(dataDir: string): void {
  rmSync(hostInfoFileOf(dataDir), { force: true });
}
