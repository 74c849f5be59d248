import { describe, expect, it } from 'vitest';
import { MAX_THREAT_UPDATES, type ThreatSighting } from '../../shared/threat.js';
import {
  applySighting,
  applySightings,
  applyTriage,
  summarizeThreat,
  TriageRefused,
} from './threat-record.js';

function sighting(overrides: Partial<ThreatSighting> = {}): ThreatSighting {
  return {
    campaignId: 'c-1',
    cve: 'CVE-2021-41773',
    severity: 'high',
    cvssScore: 7.5,
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
    summary: 'Path traversal in Apache 2.4.49',
    host: '127.10.0.10',
    port: 80,
    product: 'apache_httpd',
    version: '2.4.49',
    engine: 'builtin',
    observedAt: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('applySightings', () => {
  it('creates a record on first sight and counts each (campaign, host, port) once', () => {
    const first = applySighting(undefined, sighting());
    expect(first.counted).toBe(true);
    expect(first.record.triage.state).toBe('new');
    const replay = applySighting(
      first.record,
      sighting({ observedAt: '2026-11-01T10:05:00.000Z' }),
    );
    expect(replay.counted).toBe(false);
    expect(replay.record).toBe(first.record);

    const nextCampaign = applySighting(
      first.record,
      sighting({ campaignId: 'c-2', observedAt: '2026-11-02T10:00:00.000Z' }),
    );
    expect(nextCampaign.counted).toBe(true);
    expect(nextCampaign.record.totalSightings).toBe(2);
    expect(nextCampaign.record.affected).toHaveLength(1);
    expect(nextCampaign.record.affected[0]).toMatchObject({
      sightings: 2,
      recentCampaigns: ['c-1', 'c-2'],
    });
    expect(nextCampaign.record.firstSeen).toBe('2026-11-01T10:00:00.000Z');
    expect(nextCampaign.record.lastSeen).toBe('2026-11-02T10:00:00.000Z');
  });

  it('does not change the record it was given (a known service, a new one, trimmed updates)', () => {
    const full = Array.from({ length: MAX_THREAT_UPDATES }, (_, index) =>
      sighting({ host: `127.12.${Math.floor(index / 250)}.${index % 250}` }),
    );
    const { record } = applySightings(undefined, [sighting(), ...full]);
    const before = structuredClone(record);
    // Frozen all the way down: any write into the given record throws (modules are strict).
    const deepFreeze = (value: unknown): void => {
      if (typeof value !== 'object' || value === null) return;
      Object.values(value).forEach(deepFreeze);
      Object.freeze(value);
    };
    deepFreeze(record);
    const next = applySightings(record, [
      sighting({ campaignId: 'c-9', host: '127.10.0.99' }),
      sighting({ campaignId: 'c-9', version: '2.4.50', epss: { score: 0.5, percentile: 0.9 } }),
    ]);
    expect(record).toEqual(before);
    expect(next.counted).toBe(2);
    expect(next.record!.affected[0]).toMatchObject({ sightings: 2, version: '2.4.50' });
    expect(next.record!.archivedUpdates.count).toBe(3);
    expect(next.record!.epss).toEqual({ score: 0.5, percentile: 0.9 });
  });

  it('keeps the last 1000 updates and summarises older ones into counts', () => {
    const sightings = Array.from({ length: MAX_THREAT_UPDATES + 250 }, (_, index) =>
      sighting({
        host: `127.11.${Math.floor(index / 250)}.${index % 250}`,
        observedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
      }),
    );
    const { record, counted } = applySightings(undefined, sightings);
    expect(counted).toBe(sightings.length);
    expect(record!.updates).toHaveLength(MAX_THREAT_UPDATES);
    expect(record!.archivedUpdates.count).toBe(250);
    expect(record!.archivedUpdates.oldestAt).toBe(sightings[0]!.observedAt);
    expect(record!.updates[0]!.observedAt).toBe(sightings[250]!.observedAt);
    expect(record!.affected).toHaveLength(sightings.length);
    expect(summarizeThreat(record!, 'now').affectedHosts).toBe(sightings.length);
  });
});

describe('applyTriage', () => {
  const { record } = applySighting(undefined, sighting());

  it('records every state change with its time, previous state and note', () => {
    const confirmed = applyTriage(
      record,
      { state: 'confirmed', note: 'reproduced', actor: 'alice' },
      't1',
    );
    const remediated = applyTriage(confirmed, { state: 'remediated' }, 't2');
    expect(remediated.triage.state).toBe('remediated');
    expect(remediated.triage.history).toEqual([
      { at: 't1', state: 'confirmed', previousState: 'new', note: 'reproduced', actor: 'alice' },
      {
        at: 't2',
        state: 'remediated',
        previousState: 'confirmed',
        note: undefined,
        actor: undefined,
      },
    ]);
    expect(remediated.notes).toEqual([{ at: 't1', text: 'reproduced', actor: 'alice' }]);
    expect(summarizeThreat(remediated, 't2').triageState).toBe('remediated');
  });

  it('accepts a note without a state change, and refuses an empty change', () => {
    const noted = applyTriage(record, { state: 'new', note: 'looking into it' }, 't1');
    expect(noted.triage.history).toEqual([]);
    expect(noted.notes).toHaveLength(1);
    expect(() => applyTriage(record, { state: 'new' }, 't1')).toThrow(TriageRefused);
  });
});
