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
 * Code that reasons about findings unpacks them into plain `Finding`s
 * ({@link unpackFindings}). Only the readers that go through every finding of
 * a batch read the packed form as it is: the split by CVE for ThreatIntel
 * ({@link splitPackedByCve}), the report and the batch summaries
 * (packedFindingsOfBatch in campaign.ts).
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
  // Per CVE id, the indexes of its facts in `cves` (one unless the facts differ).
  const cveIndexes = new Map<string, number[]>();
  const services = new Map<string, ServiceFindings>();
  for (const finding of findings) {
    const facts = factsOf(finding);
    const candidates = cveIndexes.get(facts.cve) ?? [];
    let cveIndex = candidates.find((index) => sameFacts(cves[index]!, facts));
    if (cveIndex === undefined) {
      cveIndex = cves.push(facts) - 1;
      cveIndexes.set(facts.cve, [...candidates, cveIndex]);
    }
    const siteKey = `${finding.host}|${finding.port}|${finding.product}|${finding.version}|${finding.cpe ?? ''}|${finding.observedAt}|${finding.engine}`;
    const service = services.get(siteKey);
    if (service) service.cves.push(cveIndex);
    else services.set(siteKey, { ...siteOf(finding), cves: [cveIndex] });
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

/**
 * Packed findings split by CVE id without unpacking them (one ThreatIntel call
 * each): per CVE, its facts and the services matched on it, in the order
 * packed, so each group unpacks to exactly the findings of its CVE. Unpacking
 * a batch's findings and packing them again per CVE made the host build every
 * finding of the batch (32,514 per 4,096 x 100 campaign of the bench lab)
 * only to fold them back.
 */
export function splitPackedByCve(packed: PackedFindings): Map<string, PackedFindings> {
  const byCve = new Map<string, PackedFindings>();
  // Where each entry of `packed.cves` goes: its CVE's group, and its index there.
  const places = packed.cves.map((facts) => {
    let group = byCve.get(facts.cve);
    if (!group) byCve.set(facts.cve, (group = { cves: [], services: [] }));
    return { group, index: group.cves.push(facts) - 1 };
  });
  for (const { cves, ...site } of packed.services) {
    const indexesByGroup = new Map<PackedFindings, number[]>();
    for (const index of cves) {
      const place = places[index];
      if (!place) throw new RangeError(`packed findings: no CVE at index ${index}`);
      const indexes = indexesByGroup.get(place.group);
      if (indexes) indexes.push(place.index);
      else indexesByGroup.set(place.group, [place.index]);
    }
    for (const [group, indexes] of indexesByGroup) group.services.push({ ...site, cves: indexes });
  }
  return byCve;
}

/** Findings in the packed form without unpacking them. */
export function countPackedFindings(packed: PackedFindings): number {
  return packed.services.reduce((count, service) => count + service.cves.length, 0);
}

/** Field by field; KEV and EPSS (small objects) by their JSON. */
function sameFacts(left: CveFacts, right: CveFacts): boolean {
  return (
    left.severity === right.severity &&
    left.cvssScore === right.cvssScore &&
    left.cvssVector === right.cvssVector &&
    left.cvssVersion === right.cvssVersion &&
    left.cvssSource === right.cvssSource &&
    left.summary === right.summary &&
    sameJson(left.kev, right.kev) &&
    sameJson(left.epss, right.epss)
  );
}

/** Findings of one match share these objects, so the reference check usually decides. */
const sameJson = (left: unknown, right: unknown) =>
  left === right || JSON.stringify(left) === JSON.stringify(right);

/** The CVE's fields of a finding; absent ones stay absent. */
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
