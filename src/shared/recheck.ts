import { z } from 'zod';
import { RecheckTrigger, ServiceCheck, TriageState, VerificationState } from './threat.js';

const CveIdText = z.string().regex(/^CVE-\d{4}-\d{4,}$/, 'cve: expected CVE-YYYY-NNNN');

/**
 * `Rechecks.run`: re-probe every affected service of one threat now. A
 * scheduled re-check carries the triage generation it was planned under and
 * is dropped if the analyst changed the triage since; a manual one (no
 * generation) checks against whatever generation is current when it starts.
 */
export const RecheckRequest = z.object({
  cve: CveIdText,
  generation: z.number().int().min(0).optional(),
  trigger: RecheckTrigger.default('manual'),
  /** Built-in engine connect timeout for the re-probe. */
  connectTimeoutMs: z.number().int().min(50).max(30_000).optional(),
});
export type RecheckRequest = z.input<typeof RecheckRequest>;

/** What a re-probe concluded; `ThreatIntel.applyRecheck` applies it if `generation` is still current. */
export const RecheckOutcome = z.object({
  cve: CveIdText,
  generation: z.number().int().min(0),
  trigger: RecheckTrigger,
  verdict: VerificationState,
  checkedAt: z.string(),
  details: z.string(),
  services: z.array(ServiceCheck),
});
export type RecheckOutcome = z.infer<typeof RecheckOutcome>;

export const RecheckStatus = z.enum([
  /** The verdict is on the record (and a still-vulnerable remediation was reopened). */
  'applied',
  /** The triage changed since the re-check was planned or started: nothing was changed. */
  'stale',
  /** No threat record for this CVE. */
  'no-record',
]);
export type RecheckStatus = z.infer<typeof RecheckStatus>;

/** What `Rechecks.run` returns (and `ThreatIntel.applyRecheck`, without the probe details). */
export const RecheckResult = z.object({
  cve: z.string(),
  status: RecheckStatus,
  verdict: VerificationState.optional(),
  details: z.string().optional(),
  services: z.array(ServiceCheck).optional(),
  /** Triage state after the re-check. */
  triageState: TriageState.optional(),
  /** True when a remediated threat was found still vulnerable and put back to confirmed/new. */
  reopened: z.boolean().optional(),
});
export type RecheckResult = z.infer<typeof RecheckResult>;
