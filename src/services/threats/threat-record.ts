import type { RecheckOutcome } from '../../shared/recheck.js';
import {
  type AffectedService,
  DEFAULT_RECHECK_AFTER_MS,
  MAX_CAMPAIGNS_PER_SERVICE,
  MAX_THREAT_UPDATES,
  MAX_TRIAGE_HISTORY,
  type PendingRecheck,
  type ThreatRecord,
  type ThreatSighting,
  type TriageState,
  type ThreatSummary,
  type TriageRequest,
} from '../../shared/threat.js';
import { mergeArchives, summarizeUpdates } from './threat-update-chunks.js';

/**
 * Pure reducers over a threat record. The ThreatIntel object only loads,
 * applies and stores; everything that decides lives here and is unit-tested.
 */

export interface SightingsOutcome {
  record: ThreatRecord | undefined;
  /** Sightings not counted before; a replayed or retried one (same campaign, host, port) is not. */
  counted: number;
}

/**
 * Adds a batch of sightings of one CVE. Copy-on-write: the record's top level
 * and its `affected` and `updates` lists are copied once per call, and only
 * the services a sighting changes are copied (not a deep clone of a record
 * that lists thousands of services, once per batch). Affected services are
 * found through a map, so a CVE seen on thousands of hosts costs linear time.
 */
export function applySightings(
  existing: ThreatRecord | undefined,
  sightings: readonly ThreatSighting[],
): SightingsOutcome {
  if (sightings.length === 0) return { record: existing, counted: 0 };
  const record: ThreatRecord = existing
    ? {
        ...existing,
        affected: [...existing.affected],
        updates: [...existing.updates],
        archivedUpdates: { ...existing.archivedUpdates },
      }
    : newRecord(sightings[0]!);
  const services = new Map(
    record.affected.map((service, index) => [`${service.host}:${service.port}`, index]),
  );
  let counted = 0;
  for (const sighting of sightings) {
    if (addSighting(record, services, sighting)) counted += 1;
  }
  if (counted === 0) {
    // Nothing new was seen, but the knowledge may have changed (a feed import, then a re-match).
    const latest = sightings[sightings.length - 1]!;
    return existing && scoringDiffers(existing, latest)
      ? { record: withScoring(existing, latest), counted }
      : { record: existing, counted };
  }
  trimUpdates(record);
  return { record, counted };
}

/** One sighting; see applySightings. */
export function applySighting(
  existing: ThreatRecord | undefined,
  sighting: ThreatSighting,
): { record: ThreatRecord; counted: boolean } {
  const outcome = applySightings(existing, [sighting]);
  return { record: outcome.record!, counted: outcome.counted === 1 };
}

function newRecord(sighting: ThreatSighting): ThreatRecord {
  return {
    cve: sighting.cve,
    severity: sighting.severity,
    cvssScore: sighting.cvssScore,
    cvssVector: sighting.cvssVector,
    ...exploitationOf(sighting),
    summary: sighting.summary,
    product: sighting.product,
    firstSeen: sighting.observedAt,
    lastSeen: sighting.observedAt,
    affected: [],
    triage: { state: 'new', changedAt: sighting.observedAt, history: [] },
    notes: [],
    updates: [],
    archivedUpdates: { count: 0 },
    totalSightings: 0,
  };
}

/** `services` maps "host:port" to the service's index in `record.affected`. */
function addSighting(
  record: ThreatRecord,
  services: Map<string, number>,
  sighting: ThreatSighting,
): boolean {
  const key = `${sighting.host}:${sighting.port}`;
  let index = services.get(key);
  const known = index === undefined ? undefined : record.affected[index];
  if (known?.recentCampaigns.includes(sighting.campaignId)) return false;
  // A copy: `record.affected` is a new list, but its services are still the existing record's.
  const service: AffectedService = known
    ? { ...known }
    : {
        host: sighting.host,
        port: sighting.port,
        product: sighting.product,
        version: sighting.version,
        firstSeen: sighting.observedAt,
        lastSeen: sighting.observedAt,
        sightings: 0,
        recentCampaigns: [],
      };
  if (index === undefined) {
    index = record.affected.push(service) - 1;
    services.set(key, index);
  } else record.affected[index] = service;
  service.sightings += 1;
  service.version = sighting.version;
  service.product = sighting.product;
  service.firstSeen = earlier(service.firstSeen, sighting.observedAt);
  service.lastSeen = later(service.lastSeen, sighting.observedAt);
  service.recentCampaigns = [...service.recentCampaigns, sighting.campaignId].slice(
    -MAX_CAMPAIGNS_PER_SERVICE,
  );

  // Knowledge can be updated by a feed import: the newest sighting's scoring wins.
  applyScoring(record, sighting);
  record.summary = sighting.summary;
  record.firstSeen = earlier(record.firstSeen, sighting.observedAt);
  record.lastSeen = later(record.lastSeen, sighting.observedAt);
  record.totalSightings += 1;
  record.updates.push({
    campaignId: sighting.campaignId,
    host: sighting.host,
    port: sighting.port,
    product: sighting.product,
    version: sighting.version,
    engine: sighting.engine,
    observedAt: sighting.observedAt,
  });
  return true;
}

function scoringOf(source: ThreatRecord | ThreatSighting) {
  return {
    severity: source.severity,
    cvssScore: source.cvssScore,
    cvssVector: source.cvssVector,
    cvssVersion: source.cvssVersion,
    cvssSource: source.cvssSource,
    kev: source.kev,
    epss: source.epss,
  };
}

function scoringDiffers(record: ThreatRecord, sighting: ThreatSighting): boolean {
  return JSON.stringify(scoringOf(record)) !== JSON.stringify(scoringOf(sighting));
}

/** A copy of the record with the sighting's scoring and exploitation, counts untouched. */
function withScoring(record: ThreatRecord, sighting: ThreatSighting): ThreatRecord {
  const next: ThreatRecord = { ...record };
  applyScoring(next, sighting);
  return next;
}

/** Replaces the record's scoring and exploitation with the sighting's (absent fields are removed). */
function applyScoring(record: ThreatRecord, sighting: ThreatSighting): void {
  record.severity = sighting.severity;
  record.cvssScore = sighting.cvssScore;
  record.cvssVector = sighting.cvssVector;
  delete record.cvssVersion;
  delete record.cvssSource;
  delete record.kev;
  delete record.epss;
  Object.assign(record, exploitationOf(sighting));
}

/** The scoring and exploitation fields a sighting carries, present ones only. */
function exploitationOf(
  sighting: ThreatSighting,
): Pick<ThreatRecord, 'cvssVersion' | 'cvssSource' | 'kev' | 'epss'> {
  return {
    ...(sighting.cvssVersion && { cvssVersion: sighting.cvssVersion }),
    ...(sighting.cvssSource && { cvssSource: sighting.cvssSource }),
    ...(sighting.kev && { kev: sighting.kev }),
    ...(sighting.epss && { epss: sighting.epss }),
  };
}

/** Keeps the newest MAX_THREAT_UPDATES updates; older ones only as counts and a time span. */
function trimUpdates(record: ThreatRecord): void {
  if (record.updates.length <= MAX_THREAT_UPDATES) return;
  const dropped = record.updates.splice(0, record.updates.length - MAX_THREAT_UPDATES);
  record.archivedUpdates = mergeArchives(record.archivedUpdates, summarizeUpdates(dropped));
}

export class TriageRefused extends Error {}

/** The triage generation a re-check must carry to count; records from before re-checks are 0. */
export function triageGeneration(record: ThreatRecord): number {
  return record.triage.generation ?? 0;
}

/**
 * Changes the triage state (and/or adds a note); every change is kept with its
 * time. A state change bumps the triage generation, which makes any re-check
 * planned before it stale; a change to `remediated` plans a new re-check
 * `recheckAfterMs` (default 7 days) later.
 */
export function applyTriage(
  record: ThreatRecord,
  request: TriageRequest,
  at: string,
): ThreatRecord {
  const next = structuredClone(record);
  if (request.state !== record.triage.state) {
    changeTriageState(next, request.state, at, { note: request.note, actor: request.actor });
    if (request.state === 'remediated') {
      const afterMs = request.recheckAfterMs ?? DEFAULT_RECHECK_AFTER_MS;
      next.recheck = { generation: triageGeneration(next), requestedAt: at, afterMs };
    }
  } else if (!request.note) {
    throw new TriageRefused(
      `${record.cve} is already ${record.triage.state}; give a note or another state`,
    );
  }
  if (request.note) next.notes.push({ at, text: request.note, actor: request.actor });
  return next;
}

function changeTriageState(
  record: ThreatRecord,
  state: TriageState,
  at: string,
  event: { note?: string; actor?: string },
): void {
  record.triage.history.push({
    at,
    state,
    previousState: record.triage.state,
    note: event.note,
    actor: event.actor,
  });
  record.triage.history = record.triage.history.slice(-MAX_TRIAGE_HISTORY);
  record.triage.state = state;
  record.triage.changedAt = at;
  record.triage.generation = triageGeneration(record) + 1;
  // Whatever was pending belongs to the previous generation.
  delete record.recheck;
}

/**
 * The re-check a triage change planned, to be sent as a delayed message, or
 * undefined when the change planned none (only a change to remediated does).
 */
export function recheckToSchedule(
  previous: ThreatRecord,
  next: ThreatRecord,
): PendingRecheck | undefined {
  if (!next.recheck || next.recheck.generation === previous.recheck?.generation) return undefined;
  return next.recheck;
}

/** When a planned re-check is due (ISO time). */
export function recheckDueAt(recheck: PendingRecheck): string {
  return new Date(Date.parse(recheck.requestedAt) + recheck.afterMs).toISOString();
}

/** A threat found still vulnerable goes back to where it was before remediated: confirmed, else new. */
export function reopenedState(record: ThreatRecord): TriageState {
  const remediation = record.triage.history.findLast((event) => event.state === 'remediated');
  return remediation?.previousState === 'confirmed' ? 'confirmed' : 'new';
}

export class RecheckStale extends Error {}

/**
 * Applies a re-check's verdict. Refused (RecheckStale) unless it was started
 * under the current triage generation: the analyst's later decision wins over
 * a probe planned before it. A remediated threat found still vulnerable is
 * reopened with a note naming where; any other verdict only sets
 * `verification` (the analyst decides what a clean probe of an open threat means).
 */
export function applyRecheckOutcome(
  record: ThreatRecord,
  outcome: RecheckOutcome,
): { record: ThreatRecord; reopened: boolean } {
  const current = triageGeneration(record);
  if (outcome.generation !== current) {
    throw new RecheckStale(
      `${record.cve}: re-check of triage generation ${outcome.generation} ignored, the triage is now at generation ${current}`,
    );
  }
  const next = structuredClone(record);
  const at = outcome.checkedAt;
  next.verification = {
    state: outcome.verdict,
    at,
    details: outcome.details,
    trigger: outcome.trigger,
    services: outcome.services,
  };
  delete next.recheck;
  let reopened = false;
  if (outcome.verdict === 'still-vulnerable' && record.triage.state === 'remediated') {
    const note = `re-check: ${outcome.details}`;
    changeTriageState(next, reopenedState(record), at, { note, actor: 're-check' });
    next.notes.push({ at, text: note, actor: 're-check' });
    reopened = true;
  }
  return { record: next, reopened };
}

/** How many hosts and services a record lists as affected. */
export interface AffectedCounts {
  hosts: number;
  services: number;
}

/**
 * The record's threats-table row. `counts` when the record holds only some of
 * its affected services (see threat-record-store.ts); else they are counted.
 */
export function summarizeThreat(
  record: ThreatRecord,
  updatedAt: string,
  counts: AffectedCounts = {
    hosts: new Set(record.affected.map((service) => service.host)).size,
    services: record.affected.length,
  },
): ThreatSummary {
  return {
    cve: record.cve,
    severity: record.severity,
    cvssScore: record.cvssScore,
    ...(record.cvssVersion && { cvssVersion: record.cvssVersion }),
    ...(record.kev && { kev: record.kev }),
    ...(record.epss && { epss: record.epss }),
    summary: record.summary,
    product: record.product,
    affectedHosts: counts.hosts,
    affectedServices: counts.services,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    triageState: record.triage.state,
    verification: record.verification?.state,
    updatedAt,
  };
}

function earlier(left: string, right: string): string {
  return left <= right ? left : right;
}

function later(left: string, right: string): string {
  return left >= right ? left : right;
}
