import { z } from 'zod';

/** Which probe produced an observation. */
export const ScanEngineName = z.enum(['builtin', 'nmap']);
export type ScanEngineName = z.infer<typeof ScanEngineName>;

export const PortState = z.enum(['open', 'closed', 'filtered']);
export type PortState = z.infer<typeof PortState>;

/**
 * One port of one host as an engine saw it. Both engines (built-in TCP connect
 * and nmap) return exactly this shape, so everything downstream (vulnerability
 * matching, threat records, reports) is engine-agnostic.
 */
export const Observation = z.object({
  /** IP address literal that was probed (never a hostname: resolution happens before). */
  host: z.string().min(1),
  /** Hostname the analyst typed, when the target was given by name. */
  hostname: z.string().optional(),
  port: z.number().int().min(1).max(65535),
  protocol: z.literal('tcp'),
  state: PortState,
  /** Service name, e.g. `ssh`, `http`, `ftp` (nmap's service names). */
  service: z.string().optional(),
  /** Display name: an id from src/shared/products.ts (`openssh`) or the name the engine read (`libssh`). */
  product: z.string().optional(),
  /**
   * CPE 2.3 formatted name of the product (`cpe:2.3:a:openbsd:openssh:7.2p2:*:...`):
   * nmap's `<cpe>` rebound, or the built-in engine's for products it knows. Matching keys on it.
   */
  cpe: z.string().optional(),
  /** Version as the product numbers it, e.g. `7.2p2`, `2.4.49`, `1.3.5e`. */
  version: z.string().optional(),
  /** What the service said first (or answered to a probe), truncated and printable. */
  banner: z.string().max(1024).optional(),
  engine: ScanEngineName,
  /** ISO-8601 time of the probe. */
  observedAt: z.string(),
});
export type Observation = z.infer<typeof Observation>;

/**
 * Per-host tally of one scan. Engines report open ports as observations but
 * closed and filtered ones only as counts, so a 4,096 x 100 scan stays small.
 */
export const HostSummary = z.object({
  host: z.string().min(1),
  hostname: z.string().optional(),
  /** True when any port answered (open or refused): a refusal proves the host exists. */
  reachable: z.boolean(),
  open: z.number().int().min(0),
  closed: z.number().int().min(0),
  filtered: z.number().int().min(0),
});
export type HostSummary = z.infer<typeof HostSummary>;

/** What either engine returns for one scan request. */
export const EngineResult = z.object({
  engine: ScanEngineName,
  /** Open ports only. */
  observations: z.array(Observation),
  /** One entry per requested host, in request order. */
  hosts: z.array(HostSummary),
  /** ISO-8601. */
  startedAt: z.string(),
  /** ISO-8601. */
  finishedAt: z.string(),
});
export type EngineResult = z.infer<typeof EngineResult>;
