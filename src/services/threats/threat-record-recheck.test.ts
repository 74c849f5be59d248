import { describe, expect, it } from 'vitest';
import type { RecheckOutcome } from '../../shared/recheck.js';
import { DEFAULT_RECHECK_AFTER_MS, type ThreatRecord } from '../../shared/threat.js';
import {
  applyRecheckOutcome,
  applySighting,
  applyTriage,
  recheckDueAt,
  RecheckStale,
  recheckToSchedule,
  reopenedState,
  summarizeThreat,
  triageGeneration,
} from './threat-record.js';

const T0 = '2026-11-01T10:00:00.000Z';
const T1 = '2026-11-02T10:00:00.000Z';
const T2 = '2026-11-03T10:00:00.000Z';

function record(): ThreatRecord {
  return applySighting(undefined, {
    campaignId: 'c-1',
    cve: 'CVE-2021-41773',
    severity: 'critical',
    cvssScore: 9.8,
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    summary: 'Path traversal in Apache 2.4.49',
    host: '127.70.0.10',
    port: 80,
    product: 'apache_httpd',
    version: '2.4.49',
    engine: 'builtin',
    observedAt: T0,
  }).record;
}

function outcome(overrides: Partial<RecheckOutcome>): RecheckOutcome {
  return {
    cve: 'CVE-2021-41773',
    generation: 0,
    trigger: 'scheduled',
    verdict: 'verified',
    checkedAt: T2,
    details: 'no longer vulnerable: 127.70.0.10:80 closed',
    services: [{ host: '127.70.0.10', port: 80, state: 'closed' }],
    ...overrides,
  };
}

describe('triage generations and planned re-checks', () => {
  it('treats a record from before re-checks as generation 0 and bumps on every state change', () => {
    const fresh = record();
    expect(triageGeneration(fresh)).toBe(0);
    const confirmed = applyTriage(fresh, { state: 'confirmed' }, T1);
    expect(triageGeneration(confirmed)).toBe(1);
    // A note alone is not a state change.
    const noted = applyTriage(confirmed, { state: 'confirmed', note: 'seen in prod' }, T1);
    expect(triageGeneration(noted)).toBe(1);
    expect(recheckToSchedule(confirmed, noted)).toBeUndefined();
  });

  it('plans a re-check when remediated: 7 days by default, or as asked', () => {
    const fresh = record();
    const remediated = applyTriage(fresh, { state: 'remediated' }, T1);
    expect(remediated.recheck).toEqual({
      generation: 1,
      requestedAt: T1,
      afterMs: DEFAULT_RECHECK_AFTER_MS,
    });
    expect(recheckToSchedule(fresh, remediated)).toEqual(remediated.recheck);
    expect(recheckDueAt(remediated.recheck!)).toBe('2026-11-09T10:00:00.000Z');
    const soon = applyTriage(fresh, { state: 'remediated', recheckAfterMs: 2_000 }, T1);
    expect(recheckToSchedule(fresh, soon)?.afterMs).toBe(2_000);
  });

  it('drops the pending re-check when the analyst changes the triage again', () => {
    const remediated = applyTriage(record(), { state: 'remediated' }, T1);
    const reopened = applyTriage(remediated, { state: 'confirmed' }, T2);
    expect(reopened.recheck).toBeUndefined();
    expect(recheckToSchedule(remediated, reopened)).toBeUndefined();
  });
});

describe('applyRecheckOutcome', () => {
  it('marks a remediated threat verified when the service is gone', () => {
    const remediated = applyTriage(record(), { state: 'remediated' }, T1);
    const { record: next, reopened } = applyRecheckOutcome(remediated, outcome({ generation: 1 }));
    expect(reopened).toBe(false);
    expect(next.triage.state).toBe('remediated');
    expect(next.verification).toMatchObject({ state: 'verified', at: T2, trigger: 'scheduled' });
    expect(next.recheck).toBeUndefined();
    expect(summarizeThreat(next, T2).verification).toBe('verified');
  });

  it('reopens a remediated threat still vulnerable, to where it was before', () => {
    const confirmed = applyTriage(record(), { state: 'confirmed' }, T0);
    const remediated = applyTriage(confirmed, { state: 'remediated' }, T1);
    const { record: next, reopened } = applyRecheckOutcome(
      remediated,
      outcome({
        generation: 2,
        verdict: 'still-vulnerable',
        details: 'still vulnerable on 127.70.0.10:80 (apache_httpd 2.4.49)',
        services: [
          {
            host: '127.70.0.10',
            port: 80,
            state: 'vulnerable',
            product: 'apache_httpd',
            version: '2.4.49',
          },
        ],
      }),
    );
    expect(reopened).toBe(true);
    expect(next.triage.state).toBe('confirmed');
    expect(triageGeneration(next)).toBe(3);
    expect(next.triage.history.at(-1)).toMatchObject({
      previousState: 'remediated',
      state: 'confirmed',
      actor: 're-check',
      note: 're-check: still vulnerable on 127.70.0.10:80 (apache_httpd 2.4.49)',
    });
    expect(next.notes.at(-1)?.text).toBe(
      're-check: still vulnerable on 127.70.0.10:80 (apache_httpd 2.4.49)',
    );
    expect(next.verification?.state).toBe('still-vulnerable');
  });

  it('reopens to new when the threat was never confirmed', () => {
    const remediated = applyTriage(record(), { state: 'remediated' }, T1);
    expect(reopenedState(remediated)).toBe('new');
    const falsePositive = applyTriage(record(), { state: 'false-positive' }, T0);
    expect(reopenedState(applyTriage(falsePositive, { state: 'remediated' }, T1))).toBe('new');
  });

  it('ignores a re-check planned before the last triage change', () => {
    const remediated = applyTriage(record(), { state: 'remediated' }, T1);
    const confirmed = applyTriage(remediated, { state: 'confirmed' }, T1);
    expect(() => applyRecheckOutcome(confirmed, outcome({ generation: 1 }))).toThrow(RecheckStale);
  });

  it('only records the verdict of a manual re-check of an open threat', () => {
    const fresh = record();
    const { record: next, reopened } = applyRecheckOutcome(
      fresh,
      outcome({ generation: 0, trigger: 'manual', verdict: 'still-vulnerable', details: 'x' }),
    );
    expect(reopened).toBe(false);
    expect(next.triage.state).toBe('new');
    expect(triageGeneration(next)).toBe(0);
    expect(next.verification?.state).toBe('still-vulnerable');
  });
});
