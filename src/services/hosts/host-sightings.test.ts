import { describe, expect, it } from 'vitest';
import type { BatchResult } from '../../shared/campaign.js';
import { hostSightingsOf } from './host-inventory-object.js';

const observation = (host: string, port: number, state: 'open' | 'closed' = 'open') => ({
  host,
  port,
  protocol: 'tcp' as const,
  state,
  service: port === 22 ? 'ssh' : 'http',
  engine: 'builtin' as const,
  observedAt: '2026-11-30T00:00:00.000Z',
});

describe('hostSightingsOf', () => {
  it('gives each reachable host its open ports and the CVEs found on each port', () => {
    const batch = {
      index: 0,
      engine: 'builtin',
      state: 'done',
      targets: 3,
      skipped: [],
      startedAt: '2026-11-30T00:00:00.000Z',
      finishedAt: '2026-11-30T00:00:01.000Z',
      hosts: [
        { host: '127.60.0.1', reachable: true, open: 2 },
        { host: '127.60.0.2', reachable: false, open: 0 },
        { host: '127.60.0.3', reachable: true, open: 1 },
      ],
      observations: [
        observation('127.60.0.1', 22),
        observation('127.60.0.3', 80),
        observation('127.60.0.1', 80),
        observation('127.60.0.1', 443, 'closed'),
      ],
      findings: [
        {
          host: '127.60.0.1',
          port: 80,
          cve: 'CVE-2021-41773',
          severity: 'critical',
          cvssScore: 9.8,
        },
        { host: '127.60.0.3', port: 80, cve: 'CVE-2021-23017', severity: 'high', cvssScore: 7.7 },
        {
          host: '127.60.0.1',
          port: 80,
          cve: 'CVE-2021-42013',
          severity: 'critical',
          cvssScore: 9.8,
        },
      ],
    } as unknown as BatchResult;
    const sightings = hostSightingsOf('c1', batch);
    expect(sightings.at).toBe(batch.finishedAt);
    expect(sightings.hosts.map((host) => host.address)).toEqual(['127.60.0.1', '127.60.0.3']);
    expect(sightings.hosts[0]!.ports.map((port) => port.port)).toEqual([22, 80]);
    expect(sightings.hosts[0]!.ports[0]!.cves).toEqual([]);
    expect(sightings.hosts[0]!.ports[1]!.cves.map((cve) => cve.cve)).toEqual([
      'CVE-2021-41773',
      'CVE-2021-42013',
    ]);
    expect(sightings.hosts[1]!.ports).toMatchObject([
      { port: 80, service: 'http', cves: [{ cve: 'CVE-2021-23017', severity: 'high' }] },
    ]);
  });
});
