import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Where the CLI keeps its data: `$XDG_DATA_HOME/spectra-red`, else `~/.local/share/spectra-red`. */
export function defaultCliDataDir(environment: NodeJS.ProcessEnv = process.env): string {
  const base = environment.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'spectra-red');
}

/** Every file the host keeps in its data dir, in one place. */
export function dataDirLayout(dataDir: string) {
  return {
    dataDir,
    restateBaseDir: join(dataDir, 'restate'),
    restateConfigFile: join(dataDir, 'restate-server.toml'),
    restateLogFile: join(dataDir, 'logs', 'restate-server.log'),
    restatePidFile: join(dataDir, 'restate-server.pid'),
    hostLogFile: join(dataDir, 'logs', 'host.log'),
    requestIdentityKeyFile: join(dataDir, 'request-identity.pem'),
    portsFile: join(dataDir, 'ports.json'),
    hostInfoFile: join(dataDir, 'host.json'),
    knowledgeDir: join(dataDir, 'knowledge'),
  };
}
export type DataDirLayout = ReturnType<typeof dataDirLayout>;

export const HostPorts = z.object({
  ingress: z.number().int(),
  admin: z.number().int(),
  fabric: z.number().int(),
  endpoint: z.number().int(),
});
export type HostPorts = z.infer<typeof HostPorts>;

/** What a running host advertises in its data dir so the CLI can find and use it. */
export const HostInfo = z.object({
  pid: z.number().int(),
  appVersion: z.string(),
  ingressUrl: z.string(),
  adminUrl: z.string(),
  uiUrl: z.string().optional(),
  startedAt: z.string(),
});
export type HostInfo = z.infer<typeof HostInfo>;

export function ensureDataDir(layout: DataDirLayout): void {
  for (const directory of [
    layout.dataDir,
    layout.restateBaseDir,
    join(layout.dataDir, 'logs'),
    layout.knowledgeDir,
  ]) {
    mkdirSync(directory, { recursive: true });
  }
}

export function readJsonFile<T>(path: string, schema: z.ZodType<T>): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Write-then-rename, so a crash never leaves a half-written file behind. */
export function writeJsonFileAtomically(path: string, value: unknown): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(value, null, 2) + '\n');
  renameSync(temporary, path);
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The host running on this data dir, if its process is alive. */
export function readRunningHostInfo(dataDir: string): HostInfo | undefined {
  const info = readJsonFile(dataDirLayout(dataDir).hostInfoFile, HostInfo);
  return info && isProcessAlive(info.pid) ? info : undefined;
}
