import { describe, expect, it } from 'vitest';
import type { Observation } from '../../shared/observation.js';
import type { Finding } from '../../shared/vulnerability.js';
import { applySighting } from '../threats/threat-record.js';
import {
  assessRecheck,
  HOSTS_PER_PROBE,
  planProbeSteps,
  recheckTargets,
} from './recheck-assessment.js';

const AT = '2026-11-03T10:00:00.000Z';

function observation(host: string, port: number, product: string, version: string): Observation {
  return {
    host,
    port,
    protocol: 'tcp',
    state: 'open',
    product,
    version,
    engine: 'builtin',
    observedAt: AT,
  };
}

function finding(host: string, port: number, cve = 'CVE-2021-41773'): Finding {
  return {
    cve,
    severity: 'critical',
    cvssScore: 9.8,
    cvssVector: 'v',
    summary: 's',
    host,
    port,
    product: 'apache_httpd',
    version: '2.4.49',
    observedAt: AT,
    engine: 'builtin',
  };
}

const TARGETS = [
  { host: '127.70.0.10', port: 80 },
  { host: '127.70.0.11', port: 80 },
  { host: '127.70.0.12', port: 8080 },
];

describe('recheckTargets and planProbeSteps', () => {
  it('lists each affected service once and probes only its ports', () => {
    let record = applySighting(undefined, {
      ...finding('127.70.0.10', 80),
      campaignId: 'c-1',
    }).record;
    record = applySighting(record, { ...finding('127.70.0.10', 80), campaignId: 'c-2' }).record;
    record = applySighting(record, { ...finding('127.70.0.10', 8080), campaignId: 'c-2' }).record;
    expect(recheckTargets(record)).toEqual([
      { host: '127.70.0.10', port: 80 },
      { host: '127.70.0.10', port: 8080 },
    ]);
    expect(planProbeSteps(recheckTargets(record))).toEqual([
      { hosts: ['127.70.0.10'], ports: [80, 8080], name: 're-probe 127.70.0.10 on port 80,8080' },
    ]);
  });

  it('groups hosts with the same ports, a bounded number per step', () => {
    const many = Array.from({ length: HOSTS_PER_PROBE + 1 }, (_, index) => ({
      host: `127.70.1.${index + 1}`,
      port: 22,
    }));
    const steps = planProbeSteps([...many, { host: '127.70.2.1', port: 80 }]);
    expect(steps.map((step) => [step.hosts.length, step.ports])).toEqual([
      [HOSTS_PER_PROBE, [22]],
      [1, [22]],
      [1, [80]],
    ]);
    expect(steps[0]!.name).toBe('re-probe 127.70.1.1 … 127.70.1.64 (64 hosts) on port 22');
  });
});

describe('assessRecheck', () => {
  const base = {
    cve: 'CVE-2021-41773',
    generation: 1,
    trigger: 'scheduled' as const,
    checkedAt: AT,
  };

  it('is verified when every service is closed or no longer matches', () => {
    const outcome = assessRecheck({
      ...base,
      targets: TARGETS,
      observations: [observation('127.70.0.11', 80, 'apache_httpd', '2.4.62')],
      // A finding of another CVE on the same port does not count for this one.
      findings: [finding('127.70.0.11', 80, 'CVE-2024-38476')],
    });
    expect(outcome.verdict).toBe('verified');
    expect(outcome.services.map((service) => service.state)).toEqual([
      'closed',
      'patched',
      'closed',
    ]);
    expect(outcome.details).toBe(
      'no longer vulnerable: 127.70.0.10:80 closed, 127.70.0.11:80 now apache_httpd 2.4.62, 127.70.0.12:8080 closed',
    );
  });

  it('is still vulnerable when any service still matches, and names it', () => {
    const outcome = assessRecheck({
      ...base,
      targets: TARGETS,
      observations: [observation('127.70.0.12', 8080, 'apache_httpd', '2.4.49')],
      findings: [finding('127.70.0.12', 8080)],
    });
    expect(outcome.verdict).toBe('still-vulnerable');
    expect(outcome.details).toBe('still vulnerable on 127.70.0.12:8080 (apache_httpd 2.4.49)');
    expect(outcome.generation).toBe(1);
  });
});
