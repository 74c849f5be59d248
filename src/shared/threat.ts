import { z } from 'zod';
import { CvssVersion, EpssScore, Finding, KevEntry, Severity } from './vulnerability.js';
import { groupBy } from './host-network.js';
import {
  PackedFindings,
  packFindings,
  splitPackedByCve,
  unpackFindings,
} from './packed-findings.js';

export const TriageState = z.enum(['new', 'confirmed', 'false-positive', 'remediated']);
export type TriageState = z.infer<typeof TriageState>;

/** Updates a threat record keeps in full; older ones survive only as counts. */
export const MAX_THREAT_UPDATES = 1000;
/** Campaign ids remembered per affected service, to count each (campaign, host, port) once. */
export const MAX_CAMPAIGNS_PER_SERVICE = 32;
export const MAX_TRIAGE_HISTORY = 500;

/** A remediated threat is re-probed this long after the triage unless the request says otherwise. */
export const DEFAULT_RECHECK_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
export const MIN_RECHECK_AFTER_MS = 1_000;
export const MAX_RECHECK_AFTER_MS = 366 * 24 * 60 * 60 * 1000;

/** One sighting of a CVE on one host and port, by one campaign: a finding and who found it. */
export const ThreatSighting = Finding.extend({ campaignId: z.string().min(1) });
export type ThreatSighting = z.infer<typeof ThreatSighting>;

/**
 * What a ThreatIntel record is sent: one campaign's findings of its CVE,
 * packed (the CVE's facts once; see packed-findings.ts). Records of earlier
 * versions were sent the plain sightings, which it still accepts.
 */
export const CveSightings = z.object({ campaignId: z.string().min(1), findings: PackedFindings });
export type CveSightings = z.infer<typeof CveSightings>;

/**
 * A campaign's findings, one packed group per CVE (one ThreatIntel call
 * each). A batch's findings come packed already and are split as they are.
 */
export function groupSightingsByCve(
  campaignId: string,
  findings: readonly Finding[] | PackedFindings,
): Map<string, CveSightings> {
  const byCve = Array.isArray(findings)
    ? new Map(
        [...groupBy(findings as readonly Finding[], (finding) => finding.cve)].map(
          ([cve, group]) => [cve, packFindings(group)],
        ),
      )
    : splitPackedByCve(findings as PackedFindings);
  return new Map([...byCve].map(([cve, packed]) => [cve, { campaignId, findings: packed }]));
}

/** The sightings a ThreatIntel record was sent, in either form. */
export function unpackSightings(sent: CveSightings | readonly ThreatSighting[]): ThreatSighting[] {
  if (Array.isArray(sent)) return [...sent];
  const { campaignId, findings } = sent as CveSightings;
  return unpackFindings(findings).map((finding) => ({ campaignId, ...finding }));
}

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

/** Updates kept only as a count and a time span (of their `observedAt`). */
export const ArchivedUpdates = z.object({
  count: z.number().int(),
  oldestAt: z.string().optional(),
  newestAt: z.string().optional(),
});
export type ArchivedUpdates = z.infer<typeof ArchivedUpdates>;

/** What a re-probe found on one affected service. */
export const ServiceCheckState = z.enum([
  /** Open and still matching the CVE. */
  'vulnerable',
  /** Open, but the product or version no longer matches (patched or replaced). */
  'patched',
  /** Refused or unreachable. */
  'closed',
]);
export type ServiceCheckState = z.infer<typeof ServiceCheckState>;

export const ServiceCheck = z.object({
  host: z.string(),
  port: z.number().int(),
  state: ServiceCheckState,
  product: z.string().optional(),
  version: z.string().optional(),
});
export type ServiceCheck = z.infer<typeof ServiceCheck>;

export const VerificationState = z.enum(['verified', 'still-vulnerable']);
export type VerificationState = z.infer<typeof VerificationState>;

export const RecheckTrigger = z.enum(['scheduled', 'manual']);
export type RecheckTrigger = z.infer<typeof RecheckTrigger>;

/** The last re-check's verdict: `verified` means no affected service is vulnerable any more. */
export const ThreatVerification = z.object({
  state: VerificationState,
  at: z.string(),
  details: z.string(),
  trigger: RecheckTrigger,
  services: z.array(ServiceCheck),
});
export type ThreatVerification = z.infer<typeof ThreatVerification>;

/** The re-check a remediation scheduled; only a re-check of the current generation counts. */
export const PendingRecheck = z.object({
  generation: z.number().int(),
  /** When the remediation was recorded; the re-check is due `afterMs` later. */
  requestedAt: z.string(),
  afterMs: z.number().int(),
});
export type PendingRecheck = z.infer<typeof PendingRecheck>;

/** The per-CVE record held by the ThreatIntel virtual object. */
export const ThreatRecord = z.object({
  cve: z.string(),
  severity: Severity,
  cvssScore: z.number(),
  cvssVector: z.string(),
  cvssVersion: CvssVersion.optional(),
  cvssSource: z.string().optional(),
  /** CISA KEV entry, as of the newest sighting's knowledge. */
  kev: KevEntry.optional(),
  /** FIRST EPSS score, as of the newest sighting's knowledge. */
  epss: EpssScore.optional(),
  summary: z.string(),
  product: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  affected: z.array(AffectedService),
  triage: z.object({
    state: TriageState,
    changedAt: z.string(),
    history: z.array(TriageEvent),
    /**
     * Bumped on every state change (absent on records older than re-checks:
     * read as 0). A re-check started under another generation is ignored.
     */
    generation: z.number().int().optional(),
  }),
  /** Set while a remediation waits for its delayed re-check. */
  recheck: PendingRecheck.optional(),
  verification: ThreatVerification.optional(),
  notes: z.array(ThreatNote),
  /** The last MAX_THREAT_UPDATES sightings, oldest first. */
  updates: z.array(ThreatUpdate),
  /** What was dropped from `updates`. */
  archivedUpdates: ArchivedUpdates,
  totalSightings: z.number().int(),
});
export type ThreatRecord = z.infer<typeof ThreatRecord>;

/** One row of the threats table: what the ThreatIndex keeps per CVE. */
export const ThreatSummary = z.object({
  cve: z.string(),
  severity: Severity,
  cvssScore: z.number(),
  cvssVersion: CvssVersion.optional(),
  kev: KevEntry.optional(),
  epss: EpssScore.optional(),
  summary: z.string(),
  product: z.string(),
  affectedHosts: z.number().int(),
  affectedServices: z.number().int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  triageState: TriageState,
  /** The last re-check's verdict, if any. */
  verification: VerificationState.optional(),
  updatedAt: z.string(),
  /**
   * The ThreatIntel record's write count when this row was made (absent on
   * rows older than it: read as 0). Rows of one CVE can reach the table out of
   * order (one batch's rows in one write); the table keeps the newest.
   */
  revision: z.number().int().min(0).optional(),
});
export type ThreatSummary = z.infer<typeof ThreatSummary>;

export const TriageRequest = z.object({
  state: TriageState,
  note: z.string().max(4000).optional(),
  actor: z.string().max(200).optional(),
  /** Only when `state` becomes remediated: re-probe after this long (default 7 days). */
  recheckAfterMs: z.number().int().min(MIN_RECHECK_AFTER_MS).max(MAX_RECHECK_AFTER_MS).optional(),
});
export type TriageRequest = z.infer<typeof TriageRequest>;

/** Orders of the threats list: `rank` (KEV first, then severity, CVSS), EPSS, CVSS or last seen, descending. */
export const ThreatSort = z.enum(['rank', 'epss', 'cvss', 'last-seen']);
export type ThreatSort = z.infer<typeof ThreatSort>;

export const ThreatFilter = z.object({
  severity: z.array(Severity).optional(),
  triageState: z.array(TriageState).optional(),
  text: z.string().max(200).optional(),
  /** Only CVEs in CISA's KEV catalog. */
  kev: z.boolean().optional(),
  /** Only CVEs whose EPSS score is at least this (CVEs without a score are left out). */
  minEpss: z.number().min(0).max(1).optional(),
  sort: ThreatSort.optional(),
});
export type ThreatFilter = z.infer<typeof ThreatFilter>;
