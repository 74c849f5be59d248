import { z } from 'zod';
import { ScanEngineName } from './observation.js';
import { Severity } from './vulnerability.js';

export const TriageState = z.enum(['new', 'confirmed', 'false-positive', 'remediated']);
export type TriageState = z.infer<typeof TriageState>;

/** Updates a threat record keeps in full; older ones survive only as counts. */
export const MAX_THREAT_UPDATES = 1000;
/** Campaign ids remembered per affected service, to count each (campaign, host, port) once. */
export const MAX_CAMPAIGNS_PER_SERVICE = 32;
export const MAX_TRIAGE_HISTORY = 500;

/** One sighting of a CVE on one host and port, by one campaign. */
export const ThreatSighting = z.object({
  campaignId: z.string().min(1),
  cve: z.string().regex(/^CVE-\d{4}-\d{4,}$/),
  severity: Severity,
  cvssScore: z.number().min(0).max(10),
  cvssVector: z.string(),
  summary: z.string(),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  product: z.string(),
  version: z.string(),
  engine: ScanEngineName,
  observedAt: z.string(),
});
export type ThreatSighting = z.infer<typeof ThreatSighting>;

export const AffectedService = z.object({
  host: z.string(),
  port: z.number().int(),
  product: z.string(),
  version: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  sightings: z.number().int(),
  /** Most recent campaigns that saw it (bounded): the idempotency memory. */
  recentCampaigns: z.array(z.string()),
});
export type AffectedService = z.infer<typeof AffectedService>;

export const TriageEvent = z.object({
  at: z.string(),
  state: TriageState,
  previousState: TriageState,
  note: z.string().optional(),
  actor: z.string().optional(),
});
export type TriageEvent = z.infer<typeof TriageEvent>;

export const ThreatNote = z.object({
  at: z.string(),
  text: z.string(),
  actor: z.string().optional(),
});
export type ThreatNote = z.infer<typeof ThreatNote>;

export const ThreatUpdate = ThreatSighting.pick({
  campaignId: true,
  host: true,
  port: true,
  product: true,
  version: true,
  engine: true,
  observedAt: true,
});
export type ThreatUpdate = z.infer<typeof ThreatUpdate>;

/** The per-CVE record held by the ThreatIntel virtual object. */
export const ThreatRecord = z.object({
  cve: z.string(),
  severity: Severity,
  cvssScore: z.number(),
  cvssVector: z.string(),
  summary: z.string(),
  product: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  affected: z.array(AffectedService),
  triage: z.object({ state: TriageState, changedAt: z.string(), history: z.array(TriageEvent) }),
  notes: z.array(ThreatNote),
  /** The last MAX_THREAT_UPDATES sightings, oldest first. */
  updates: z.array(ThreatUpdate),
  /** What was dropped from `updates`. */
  archivedUpdates: z.object({
    count: z.number().int(),
    oldestAt: z.string().optional(),
    newestAt: z.string().optional(),
  }),
  totalSightings: z.number().int(),
});
export type ThreatRecord = z.infer<typeof ThreatRecord>;

/** One row of the threats table: what the ThreatIndex keeps per CVE. */
export const ThreatSummary = z.object({
  cve: z.string(),
  severity: Severity,
  cvssScore: z.number(),
  summary: z.string(),
  product: z.string(),
  affectedHosts: z.number().int(),
  affectedServices: z.number().int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  triageState: TriageState,
  updatedAt: z.string(),
});
export type ThreatSummary = z.infer<typeof ThreatSummary>;

export const TriageRequest = z.object({
  state: TriageState,
  note: z.string().max(4000).optional(),
  actor: z.string().max(200).optional(),
});
export type TriageRequest = z.infer<typeof TriageRequest>;

export const ThreatFilter = z.object({
  severity: z.array(Severity).optional(),
  triageState: z.array(TriageState).optional(),
  text: z.string().max(200).optional(),
});
export type ThreatFilter = z.infer<typeof ThreatFilter>;
