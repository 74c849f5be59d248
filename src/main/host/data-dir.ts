import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { isHostProcessRunning } from './host-process.js';

/** Where the CLI keeps its data: `$XDG_DATA_HOME/spectra-red`, else `~/.local/share/spectra-red`. */
export function defaultCliDataDir(environment: NodeJS.ProcessEnv = process.env): string {
  const base = environment.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'spectra-red');
}

/**
 * Pinned: the server refuses to reopen its data under another node name, and
 * the default (the hostname) changes when the laptop is renamed.
 */
export const RESTATE_NODE_NAME = 'spectra-local';

/** Owner only: threat data, ports and keys are nobody else's business on a shared machine. */
export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Every file the host keeps in its data dir, in one place. */
export function dataDirLayout(dataDir: string) {
  return {
    dataDir,
    restateBaseDir: join(dataDir, 'restate'),
    // restate-server (listen-mode "unix") puts its sockets in <base-dir>/<node-name>/.
    ingressSocket: join(dataDir, 'restate', RESTATE_NODE_NAME, 'ingress.sock'),
    adminSocket: join(dataDir, 'restate', RESTATE_NODE_NAME, 'admin.sock'),
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

/**
 * The only TCP port of a host besides the UI: the services endpoint, which
 * restate-server calls and which refuses every unsigned request. Ingress,
 * admin and node-to-node traffic use Unix sockets.
 */
export const HostPorts = z.object({
  endpoint: z.number().int(),
});
export type HostPorts = z.infer<typeof HostPorts>;

/** What a running host advertises in its data dir so the CLI can find and use it. */
const HostInfoBase = z.object({
  pid: z.number().int(),
  appVersion: z.string(),
  uiUrl: z.string().optional(),
  startedAt: z.string(),
  /** The host process's identity (host-process.ts): a later process with the same pid is not the host. */
  processIdentity: z.string().optional(),
});
/** Where restate-server is (a RestateLocation, see ingress-transport.ts): exactly one kind. */
export const HostInfo = z.union([
  /** Local mode: the host's own restate-server, ingress and admin API on Unix sockets. */
  HostInfoBase.extend({ ingressSocket: z.string(), adminSocket: z.string() }),
  /** Cluster mode: an external Restate cluster, reached at URLs. */
  HostInfoBase.extend({ ingressUrl: z.string().url(), adminUrl: z.string().url() }),
]);
export type HostInfo = z.infer<typeof HostInfo>;

export function ensureDataDir(layout: DataDirLayout): void {
  for (const directory of [
    layout.dataDir,
    layout.restateBaseDir,
    join(layout.dataDir, 'logs'),
    layout.knowledgeDir,
  ]) {
    mkdirSync(directory, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
    // Data dirs created by older versions were 0755.
    chmodSync(directory, PRIVATE_DIRECTORY_MODE);
  }
}

/** Writes a file readable by its owner only, whatever the umask and whatever mode it had. */
export function writePrivateFile(path: string, content: string | Buffer): void {
  writeFileSync(path, content, { mode: PRIVATE_FILE_MODE });
  chmodSync(path, PRIVATE_FILE_MODE);
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
  try {
    writePrivateFile(temporary, JSON.stringify(value, null, 2) + '\n');
    renameSync(temporary, path);
  } catch (error) {
    removeFileQuietly(temporary);
    throw error;
  }
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

/** For clean-ups on paths where the disk may be read-only or gone: never throws. */
export function removeFileQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing more can be done; the caller reports the original failure.
  }
}

/** The host running on this data dir, by host-process.ts's rule. */
export function readRunningHostInfo(dataDir: string): HostInfo | undefined {
  const info = readJsonFile(dataDirLayout(dataDir).hostInfoFile, HostInfo);
  return info && isHostProcessRunning(info) ? info : undefined;
}
