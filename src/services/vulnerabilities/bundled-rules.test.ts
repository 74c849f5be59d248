import { describe, expect, it } from 'vitest';
import { VulnerabilityRule } from '../../shared/vulnerability.js';
import { findProjectResourcesDir, loadBundledRules } from './knowledge-base.js';
import { matchObservation } from './vulnerability-matcher.js';

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

/** CVSS v3.1 Roundup: the smallest one-decimal number >= value, immune to float noise. */
function roundUp(value: number): number {
  const scaled = Math.round(value * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/** Base score from a CVSS v3 vector (FIRST specification, section 7.1). */
function cvssBaseScore(vector: string): number {
  const metrics = Object.fromEntries(
    vector
      .split('/')
      .slice(1)
      .map((pair) => pair.split(':') as [string, string]),
  );
  const scopeChanged = metrics.S === 'C';
  const privileges = { N: 0.85, L: scopeChanged ? 0.68 : 0.62, H: scopeChanged ? 0.5 : 0.27 };
  const impactBase =
    1 -
    (1 - WEIGHTS.CIA[metrics.C as 'H']) *
      (1 - WEIGHTS.CIA[metrics.I as 'H']) *
      (1 - WEIGHTS.CIA[metrics.A as 'H']);
  const impact = scopeChanged
    ? 7.52 * (impactBase - 0.029) - 3.25 * (impactBase - 0.02) ** 15
    : 6.42 * impactBase;
  const exploitability =
    8.22 *
    WEIGHTS.AV[metrics.AV as 'N'] *
    WEIGHTS.AC[metrics.AC as 'L'] *
    privileges[metrics.PR as 'N'] *
    WEIGHTS.UI[metrics.UI as 'N'];
  if (impact <= 0) return 0;
  return scopeChanged
    ? roundUp(Math.min(1.08 * (impact + exploitability), 10))
    : roundUp(Math.min(impact + exploitability, 10));
}

describe('resources/vulnerability-rules.json', async () => {
  const rules = await loadBundledRules(findProjectResourcesDir());

  it('holds at least 40 CVEs across at least 12 products', () => {
    expect(new Set(rules.map((rule) => rule.cve)).size).toBeGreaterThanOrEqual(40);
    expect(new Set(rules.map((rule) => rule.product)).size).toBeGreaterThanOrEqual(12);
  });

  it('passes the rule schema, rule by rule, and every rule is bundled', () => {
    for (const rule of rules) {
      expect(VulnerabilityRule.safeParse(rule).success, rule.cve).toBe(true);
      expect(rule.source).toBe('bundled');
    }
  });

  it('has base scores that agree with their vectors', () => {
    expect(cvssBaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(cvssBaseScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H')).toBe(9.0);
    for (const rule of rules) {
      expect(cvssBaseScore(rule.cvss.vector), `${rule.cve} ${rule.cvss.vector}`).toBe(
        rule.cvss.baseScore,
      );
    }
  });

  it('matches no rule on OpenSSH 9.9, which the lab presents as patched', () => {
    const observation = {
      host: '127.10.0.19',
      port: 22,
      protocol: 'tcp' as const,
      state: 'open' as const,
      product: 'openssh',
      version: '9.9',
      engine: 'builtin' as const,
      observedAt: '2026-11-29T00:00:00.000Z',
    };
    expect(matchObservation(observation, rules)).toEqual([]);
    expect(matchObservation({ ...observation, version: '9.9p1' }, rules)).toEqual([]);
  });
});
