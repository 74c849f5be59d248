import {
  MAX_CAMPAIGNS_PER_SERVICE,
  MAX_THREAT_UPDATES,
  MAX_TRIAGE_HISTORY,
  type ThreatRecord,
  type ThreatSighting,
  type ThreatSummary,
  type TriageRequest,
} from '../../shared/threat.js';

/**
 * Pure reducers over a threat record. The ThreatIntel object only loads,
 * applies and stores; everything that decides lives here and is unit-tested.
 */

export interface SightingOutcome {
  record: ThreatRecord;
  /** False when this (campaign, host, port) was already counted: a replay or retry. */
  counted: boolean;
}

export function applySighting(
  existing: ThreatRecord | undefined,
  sighting: ThreatSighting,
): SightingOutcome {
  const record: ThreatRecord = existing
    ? structuredClone(existing)
    : {
        cve: sighting.cve,
        severity: sighting.severity,
        cvssScore: sighting.cvssScore,
        cvssVector: sighting.cvssVector,
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

  let service = record.affected.find(
    (entry) => entry.host === sighting.host && entry.port === sighting.port,
  );
  if (service?.recentCampaigns.includes(sighting.campaignId))
    return { record: existing!, counted: false };

  if (!service) {
    service = {
      host: sighting.host,
      port: sighting.port,
      product: sighting.product,
      version: sighting.version,
      firstSeen: sighting.observedAt,
      lastSeen: sighting.observedAt,
      sightings: 0,
      recentCampaigns: [],
    };
    record.affected.push(service);
  }
  service.sightings += 1;
  service.version = sighting.version;
  service.product = sighting.product;
  service.firstSeen = earlier(service.firstSeen, sighting.observedAt);
  service.lastSeen = later(service.lastSeen, sighting.observedAt);
  service.recentCampaigns = [...service.recentCampaigns, sighting.campaignId].slice(
    -MAX_CAMPAIGNS_PER_SERVICE,
  );

  // Knowledge can be updated by a feed import: the newest sighting's scoring wins.
  record.severity = sighting.severity;
  record.cvssScore = sighting.cvssScore;
  record.cvssVector = sighting.cvssVector;
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
  if (record.updates.length > MAX_THREAT_UPDATES) {
    const dropped = record.updates.splice(0, record.updates.length - MAX_THREAT_UPDATES);
    const archive = record.archivedUpdates;
    archive.count += dropped.length;
    for (const update of dropped) {
      archive.oldestAt = archive.oldestAt
        ? earlier(archive.oldestAt, update.observedAt)
        : update.observedAt;
      archive.newestAt = archive.newestAt
        ? later(archive.newestAt, update.observedAt)
        : update.observedAt;
    }
  }
  return { record, counted: true };
}

export class TriageRefused extends Error {}

/** Changes the triage state (and/or adds a note); every change is kept with its time. */
export function applyTriage(
  record: ThreatRecord,
  request: TriageRequest,
  at: string,
): ThreatRecord {
  const next = structuredClone(record);
  if (request.state !== record.triage.state) {
    next.triage.history.push({
      at,
      state: request.state,
      previousState: record.triage.state,
      note: request.note,
      actor: request.actor,
    });
    next.triage.history = next.triage.history.slice(-MAX_TRIAGE_HISTORY);
    next.triage.state = request.state;
    next.triage.changedAt = at;
  } else if (!request.note) {
    throw new TriageRefused(
      `${record.cve} is already ${record.triage.state}; give a note or another state`,
    );
  }
  if (request.note) next.notes.push({ at, text: request.note, actor: request.actor });
  return next;
}

export function summarizeThreat(record: ThreatRecord, updatedAt: string): ThreatSummary {
  return {
    cve: record.cve,
    severity: record.severity,
    cvssScore: record.cvssScore,
    summary: record.summary,
    product: record.product,
    affectedHosts: new Set(record.affected.map((service) => service.host)).size,
    affectedServices: record.affected.length,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    triageState: record.triage.state,
    updatedAt,
  };
}

function earlier(left: string, right: string): string {
  return left <= right ? left : right;
}

function later(left: string, right: string): string {
  return left >= right ? left : right;
}
