import { describe, expect, it } from 'vitest';
import type { EngineResult, Observation } from '../../shared/observation.js';
import { MAX_PROBES_PER_BATCH } from '../../shared/campaign-tuning.js';
import { boundEngineResult, MAX_BANNER_CHARS, MAX_BATCH_RESULT_BYTES } from './batch-bounds.js';

const observedAt = '2026-12-01T06:00:00.000Z';

/** The largest batch the tuning allows, with every probe an open port on a long IPv6 address. */
function everyPortOpen(bannerLength: number): EngineResult {
  const hosts = MAX_PROBES_PER_BATCH / 64;
  const observations: Observation[] = [];
  for (let host = 0; host < hosts; host += 1) {
    const address = `2001:db8:ffff:ffff:ffff:ffff:ffff:${host.toString(16)}`;
    for (let port = 60000; port < 60064; port += 1) {
      observations.push({
        host: address,
        port,
        protocol: 'tcp',
        state: 'open',
        service: 'http-proxy',
        banner: 'x'.repeat(bannerLength),
        engine: 'builtin',
        observedAt,
      });
    }
  }
  return {
    engine: 'builtin',
    observations,
    hosts: [],
    startedAt: observedAt,
    finishedAt: observedAt,
  };
}

describe('boundEngineResult', () => {
  it('keeps a normal result as it is', () => {
    const result = everyPortOpen(20);
    result.observations = result.observations.slice(0, 100);
    expect(boundEngineResult(result)).toEqual({ value: result });
  });

  it('keeps every open port of the largest batch the tuning allows, banners left out', () => {
    const bounded = boundEngineResult(everyPortOpen(MAX_BANNER_CHARS));
    expect(bounded.value.observations).toHaveLength(MAX_PROBES_PER_BATCH);
    expect(
      bounded.value.observations.every((observation) => observation.banner === undefined),
    ).toBe(true);
    expect(bounded.cut).toMatch(/banners left out/);
    expect(Buffer.byteLength(JSON.stringify(bounded.value))).toBeLessThanOrEqual(
      MAX_BATCH_RESULT_BYTES,
    );
  });

  it('drops open ports only past the cap, and says how many', () => {
    const bounded = boundEngineResult(everyPortOpen(10), 2 ** 20);
    expect(bounded.value.observations.length).toBeLessThan(MAX_PROBES_PER_BATCH);
    expect(bounded.cut).toBe(
      `${MAX_PROBES_PER_BATCH - bounded.value.observations.length} open ports left out: the batch result exceeded its size cap`,
    );
    expect(Buffer.byteLength(JSON.stringify(bounded.value))).toBeLessThanOrEqual(2 ** 20);
  });
});
