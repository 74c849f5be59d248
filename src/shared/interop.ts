import { z } from 'zod';
import type { HostSummary } from './observation.js';
import { TriageState } from './threat.js';
import { Severity } from './vulnerability.js';

/**
 * Results in and out: the export formats, the finding row every tabular
 * export is written from, campaign diffs and nmap XML imports.
 */

export const CAMPAIGN_EXPORT_FORMATS = [
  'xml',
  'csv',
  'jsonl',
  'defectdojo',
  'sarif',
  'html',
] as const;
export const CampaignExportFormat = z.enum(CAMPAIGN_EXPORT_FORMATS);
export type CampaignExportFormat = z.infer<typeof CampaignExportFormat>;

/** The threat list has no hosts' port tables, so no nmap XML and no HTML report. */
export const THREAT_EXPORT_FORMATS = ['csv', 'jsonl', 'defectdojo', 'sarif'] as const;
export const ThreatExportFormat = z.enum(THREAT_EXPORT_FORMATS);
export type ThreatExportFormat = z.infer<typeof ThreatExportFormat>;

/** File name extension and media type of each format. */
export const EXPORT_FILE_TYPES: Record<
  CampaignExportFormat,
  { extension: string; mediaType: string }
> = {
  xml: { extension: 'xml', mediaType: 'application/xml' },
  csv: { extension: 'csv', mediaType: 'text/csv' },
  jsonl: { extension: 'jsonl', mediaType: 'application/x-ndjson' },
  defectdojo: { extension: 'defectdojo.json', mediaType: 'application/json' },
  sarif: { extension: 'sarif', mediaType: 'application/sarif+json' },
  html: { extension: 'html', mediaType: 'text/html' },
};

/** Bumped when a field of {@link FindingRow} changes meaning or goes away (adding one does not). */
export const FINDING_SCHEMA_VERSION = 1;

/**
 * One CVE on one service: a row of the CSV, a line of the JSONL, a DefectDojo
 * finding, a SARIF result. Fields the knowledge of this installation cannot
 * fill (EPSS and KEV need their feeds, CPE needs nmap `-sV` or a rule that
 * names one) are absent, never guessed.
 */
export const FindingRow = z.object({
  host: z.string(),
  hostname: z.string().optional(),
  port: z.number().int(),
  protocol: z.literal('tcp'),
  service: z.string().optional(),
  product: z.string().optional(),
  version: z.string().optional(),
  cpe: z.string().optional(),
  cve: z.string(),
  summary: z.string(),
  cvssVersion: z.string().optional(),
  cvssVector: z.string().optional(),
  cvssScore: z.number(),
  severity: Severity,
  /** FIRST EPSS probability (0-1) when an EPSS feed is loaded. */
  epss: z.number().optional(),
  /** True when CISA's Known Exploited Vulnerabilities catalogue lists the CVE (when loaded). */
  kev: z.boolean().optional(),
  triageState: TriageState.optional(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  campaignId: z.string().optional(),
});
export type FindingRow = z.infer<typeof FindingRow>;

/** What a campaign export is written from, besides the report itself. */
export interface CampaignExportContext {
  /** Per-host tallies (hosts up without open ports, closed/filtered counts), when known. */
  hostSummaries?: HostSummary[];
  /** ISO-8601 time of the export. */
  generatedAt: string;
  /** Spectra-Red's version, named as the producing tool. */
  toolVersion: string;
}

// ---- Diff ----

export const PortChange = z.object({
  host: z.string(),
  port: z.number().int(),
  change: z.enum(['opened', 'closed', 'service-changed']),
  before: z.string().optional(),
  after: z.string().optional(),
});
export type PortChange = z.infer<typeof PortChange>;

export const CveChange = z.object({
  host: z.string(),
  port: z.number().int(),
  cve: z.string(),
  change: z.enum(['new', 'gone']),
  severity: Severity.optional(),
});
export type CveChange = z.infer<typeof CveChange>;

export const DIFF_SCHEMA_VERSION = 1;

/** What changed from campaign A to campaign B (like ndiff: A is before, B after). */
export const CampaignDiff = z.object({
  schemaVersion: z.literal(DIFF_SCHEMA_VERSION),
  before: z.object({ campaignId: z.string(), name: z.string(), finishedAt: z.string().optional() }),
  after: z.object({ campaignId: z.string(), name: z.string(), finishedAt: z.string().optional() }),
  hostsUp: z.array(z.string()),
  hostsDown: z.array(z.string()),
  ports: z.array(PortChange),
  cves: z.array(CveChange),
  same: z.boolean(),
});
export type CampaignDiff = z.infer<typeof CampaignDiff>;

// ---- Import ----

/** Restate's message limit is about 32 MiB; an import travels as one message. */
export const MAX_IMPORT_BYTES = 24 * 1024 * 1024;

/** What the Imports service takes: the XML text and what the analyst called it. */
export const NmapImportRequest = z.object({
  xml: z
    .string()
    .min(1, 'empty file')
    .max(64 * 1024 * 1024, 'file larger than 64 MiB'),
  name: z.string().trim().min(1).max(120).optional(),
  /** Where the file came from, for the audit trail (a path or "stdin"). */
  sourceName: z.string().max(1000).optional(),
});
export type NmapImportRequest = z.infer<typeof NmapImportRequest>;

export const NmapImportResult = z.object({
  campaignId: z.string(),
  name: z.string(),
  /** True when the same file was imported before: nothing new was recorded. */
  alreadyImported: z.boolean(),
  scanner: z.string(),
  hosts: z.number().int(),
  hostsUp: z.number().int(),
  openPorts: z.number().int(),
  findings: z.number().int(),
});
export type NmapImportResult = z.infer<typeof NmapImportResult>;
