import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Every setting of `spectra worker` and of `spectra serve` in cluster mode,
 * with its command-line flag and environment variable: the one list the CLI
 * reads and the deploy/ files (Dockerfile, compose.yaml, Kubernetes) are
 * checked against by deploy-files.test.ts.
 */
export const WORKER_SETTINGS = {
  listen: { flag: 'listen', env: 'SPECTRA_WORKER_LISTEN' },
  identityKey: { flag: 'identity-key', env: 'SPECTRA_IDENTITY_KEY' },
  site: { flag: 'site', env: 'SPECTRA_SITE' },
  allowNetworks: { flag: 'allow-networks', env: 'SPECTRA_ALLOW_NETWORKS' },
  knowledgeDir: { flag: 'knowledge-dir', env: 'SPECTRA_KNOWLEDGE_DIR' },
  registerWith: { flag: 'register-with', env: 'SPECTRA_CLUSTER_ADMIN' },
  advertise: { flag: 'advertise', env: 'SPECTRA_ADVERTISE' },
} as const;

export const CLUSTER_HOST_SETTINGS = {
  clusterIngress: { flag: 'cluster-ingress', env: 'SPECTRA_CLUSTER_INGRESS' },
  clusterAdmin: { flag: 'cluster-admin', env: 'SPECTRA_CLUSTER_ADMIN' },
  advertise: { flag: 'advertise', env: 'SPECTRA_ADVERTISE' },
  listen: { flag: 'listen', env: 'SPECTRA_ENDPOINT_LISTEN' },
  identityKey: { flag: 'identity-key', env: 'SPECTRA_IDENTITY_KEY' },
} as const;

/** Other environment variables the code reads (the deploy files may set them). */
export const OTHER_ENVIRONMENT = ['SPECTRA_RESTATE_SERVER_BIN', 'XDG_DATA_HOME'] as const;

/** The address workers and cluster-mode hosts listen on by default (the image's EXPOSE). */
export const DEFAULT_WORKER_PORT = 9080;

export const IdentityPublicKey = z
  .string()
  .regex(
    /^publickeyv1_[1-9A-HJ-NP-Za-km-z]{32,64}$/,
    'a Restate request-identity public key (publickeyv1_…)',
  );

const HttpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:$/.test(new URL(value).protocol), 'an http:// or https:// URL');

/** `cluster.json` in the host's data dir: cluster mode without flags (the app's settings screen writes it). */
export const ClusterHostSettings = z.object({
  clusterIngress: HttpUrl,
  clusterAdmin: HttpUrl,
  /** The address the cluster reaches this host's endpoint at (routable from every node). */
  advertise: HttpUrl,
  /** Where the endpoint listens (ADDRESS:PORT); by default the advertised address's port on 127.0.0.1. */
  listen: z.string().optional(),
  /** The cluster's request-identity public keys; several while keys rotate. */
  identityKeys: z.array(IdentityPublicKey).min(1),
});
export type ClusterHostSettings = z.infer<typeof ClusterHostSettings>;

export function clusterSettingsFile(dataDir: string): string {
  return join(dataDir, 'cluster.json');
}

/** The data dir's cluster settings, undefined when there are none; a broken file is an error naming it. */
export function readClusterSettingsFile(dataDir: string): ClusterHostSettings | undefined {
  const file = clusterSettingsFile(dataDir);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not JSON (${(error as Error).message})`);
  }
  const parsed = ClusterHostSettings.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || 'settings'}: ${issue.message}`);
  }
  return parsed.data;
}

/** `ADDRESS:PORT` (IPv4, or [IPv6]) into its parts; anything else is an error naming the value. */
export function parseListenAddress(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+|[A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 1 || port > 65535)
    throw new Error(`listen address "${value}": expected ADDRESS:PORT (127.0.0.1:9080)`);
  return { host: match[1] ?? match[2]!, port };
}
