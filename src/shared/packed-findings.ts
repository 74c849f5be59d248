import { z } from 'zod';
import { Finding } from './vulnerability.js';

/**
 * Findings as batches store and send them. A CVE matched on hundreds of
 * services repeats the same facts (severity, score, vector, summary, KEV,
 * EPSS: ~300 of a finding's ~450 bytes), and a batch's findings are journaled
 * and stored several times (the Scanner's call, the CampaignResults state,
 * each ThreatIntel call). Packed, each CVE's facts appear once and each
 * service once, with the CVEs matched on it: a 316-host batch of the bench
 * lab goes from 1.1 MB of findings to about 0.15 MB.
 *
 * Everything that reasons about findings unpacks them into plain `Finding`s
 * ({@link unpackFindings}); packing is only the stored and sent shape.
 */

/** What a finding knows about its CVE, the same wherever it was seen. */
export const CveFacts = Finding.pick({
  cve: true,
  severity: true,
  cvssScore: true,
  cvssVector: true,
  cvssVersion: true,
  cvssSource: true,
  summary: true,
  kev: true,
  epss: true,
});
export type CveFacts = z.infer<typeof CveFacts>;

/** One service (host:port as observed) and the CVEs matched on it, as indexes into `cves`. */
export const ServiceFindings = Finding.pick({
  host: true,
  port: true,
  product: true,
  version: true,
  cpe: true,
  observedAt: true,
  engine: true,
}).extend({ cves: z.array(z.number().int().min(0)).min(1) });
export type ServiceFindings = z.infer<typeof ServiceFindings>;

export const PackedFindings = z
  .object({ cves: z.array(CveFacts), services: z.array(ServiceFindings) })
  .refine(
    (packed) =>
      packed.services.every((service) => service.cves.every((index) => index < packed.cves.length)),
    { message: 'a service refers to a CVE the list does not have', path: ['services'] },
  );
export type PackedFindings = z.infer<typeof PackedFindings>;

/**
 * Facts that differ between findings of one CVE (a re-match after a feed
 * update, say) stay separate entries of `cves`, so nothing is lost.
 */
export function packFindings(findings: readonly Finding[]): PackedFindings {
  const cves: CveFacts[] = [];
  const cveIndexes = new Map<string, number>();
  const services = new Map<string, ServiceFindings>();
  for (const finding of findings) {
    const facts = factsOf(finding);
    const factsKey = JSON.stringify(facts);
    let cveIndex = cveIndexes.get(factsKey);
    if (cveIndex === undefined) {
      cveIndex = cves.push(facts) - 1;
      cveIndexes.set(factsKey, cveIndex);
    }
    const site = siteOf(finding);
    const siteKey = JSON.stringify(site);
    const service = services.get(siteKey);
    if (service) service.cves.push(cveIndex);
    else services.set(siteKey, { ...site, cves: [cveIndex] });
  }
  return { cves, services: [...services.values()] };
}

/** The findings, one per (service, CVE), grouped by service in the order they were packed. */
export function unpackFindings(packed: PackedFindings): Finding[] {
  return packed.services.flatMap(({ cves, ...site }) =>
    cves.map((index) => {
      const facts = packed.cves[index];
      if (!facts) throw new RangeError(`packed findings: no CVE at index ${index}`);
      return { ...facts, ...site };
    }),
  );
}

/** Findings in the packed form without unpacking them. */
export function countPackedFindings(packed: PackedFindings): number {
  return packed.services.reduce((count, service) => count + service.cves.length, 0);
}

/** The fields in a fixed order, so equal facts give equal keys; absent ones stay absent. */
function factsOf(finding: Finding): CveFacts {
  return withoutUndefined({
    cve: finding.cve,
    severity: finding.severity,
    cvssScore: finding.cvssScore,
    cvssVector: finding.cvssVector,
    cvssVersion: finding.cvssVersion,
    cvssSource: finding.cvssSource,
    summary: finding.summary,
    kev: finding.kev,
    epss: finding.epss,
  });
}

function siteOf(finding: Finding): Omit<ServiceFindings, 'cves'> {
  return withoutUndefined({
    host: finding.host,
    port: finding.port,
    product: finding.product,
    version: finding.version,
    cpe: finding.cpe,
    observedAt: finding.observedAt,
    engine: finding.engine,
  });
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[])
    if (value[key] === undefined) delete value[key];
  return value;
}
