import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../src/shared/observation.js';
import {
  findProjectResourcesDir,
  loadBundledRules,
} from '../../../src/services/vulnerabilities/knowledge-base.js';
import {
  LAB_ALL_EXPECTED_CVES,
  LAB_EXPECTED_CVES,
  LAB_SERVICES,
} from '../../lab/lab-expectations.js';
import {
  matchObservation,
  matchObservations,
} from '../../../src/services/vulnerabilities/vulnerability-matcher.js';

function observationOf(service: (typeof LAB_SERVICES)[number]): Observation {
  return {
    host: service.host,
    port: service.port,
    protocol: 'tcp',
    state: 'open',
    product: service.product,
    ...(service.version && { version: service.version }),
    engine: 'builtin',
    observedAt: '2026-11-29T12:00:00.000Z',
  };
}

describe('loopback lab expectations', async () => {
  const rules = await loadBundledRules(findProjectResourcesDir());

  it.each(LAB_SERVICES.map((service) => [`${service.host}:${service.port}`, service] as const))(
    '%s yields exactly its expected CVEs',
    (_address, service) => {
      const found = matchObservation(observationOf(service), rules).map((finding) => finding.cve);
      expect(found.slice().sort()).toEqual([...service.expectedCves].sort());
      expect(new Set(found).size).toBe(found.length);
    },
  );

  it('covers the CVEs the lab was built around', () => {
    expect(LAB_EXPECTED_CVES['127.10.0.10:80']).toEqual(
      expect.arrayContaining(['CVE-2021-41773', 'CVE-2021-42013']),
    );
    for (const cve of ['CVE-2011-2523', 'CVE-2015-3306', 'CVE-2019-10149', 'CVE-2017-7269']) {
      expect(LAB_ALL_EXPECTED_CVES).toContain(cve);
    }
    expect(LAB_EXPECTED_CVES['127.10.0.19:22']).toEqual([]);
    expect(LAB_EXPECTED_CVES['127.10.0.20:25']).toEqual([]);
  });

  it('yields the union of the expectations for the whole lab at once', () => {
    const findings = matchObservations(LAB_SERVICES.map(observationOf), rules);
    expect([...new Set(findings.map((finding) => finding.cve))].sort()).toEqual(
      LAB_ALL_EXPECTED_CVES,
    );
  });
});

describe('lab expectations and the loopback lab', () => {
  it('describe exactly the services the standard lab runs', async () => {
    const { STANDARD_LAB } = await import('../../lab/loopback-lab.js');
    const lab = STANDARD_LAB.services.map(
      (service) =>
        `${service.host}:${service.port} ${service.expected.product} ${service.expected.version ?? '-'}`,
    );
    const expectations = LAB_SERVICES.map(
      (service) => `${service.host}:${service.port} ${service.product} ${service.version ?? '-'}`,
    );
    expect(expectations.sort()).toEqual(lab.sort());
  });
});
