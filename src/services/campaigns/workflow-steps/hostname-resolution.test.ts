import { describe, expect, it } from 'vitest';
import {
  batchWindowOf,
  buildCampaignSpec,
  specApprovalRequirement,
} from '../../../shared/campaign-spec.js';
import { validateCampaignRequest } from '../campaign-validation.js';
import { resolveHostnames } from './hostname-resolution.js';

const fakeResolver = (table: Record<string, string>) => async (hostname: string) => {
  const address = table[hostname];
  if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return address;
};

function specOf(request: Record<string, unknown>) {
  const { request: parsed, plan } = validateCampaignRequest({
    name: 'resolution',
    ports: '22',
    engine: 'builtin',
    ...request,
  });
  return buildCampaignSpec(parsed, plan, 'builtin');
}

describe('resolveHostnames and the batch window', () => {
  it('keeps literals, resolves names and remembers which name each address came from', async () => {
    const spec = specOf({
      targets: '127.10.0.1, web.lab.test',
      scope: '127.10.0.0/24',
    });
    const resolution = await resolveHostnames(
      spec,
      fakeResolver({ 'web.lab.test': '127.10.0.80' }),
    );
    const window = batchWindowOf(spec, resolution, 0, 2);
    expect(window.addresses).toEqual(['127.10.0.1', '127.10.0.80']);
    expect(window.hostnames).toEqual({ '127.10.0.80': 'web.lab.test' });
    expect(window.skipped).toEqual([]);
    expect(window.targets).toBe(2);
  });

  it('refuses a name that resolves outside scope and reports one that does not resolve', async () => {
    const spec = specOf({
      targets: 'outside.lab.test\nmissing.lab.test',
      scope: '127.10.0.0/24',
    });
    const resolution = await resolveHostnames(
      spec,
      fakeResolver({ 'outside.lab.test': '10.0.0.5' }),
    );
    const window = batchWindowOf(spec, resolution, 0, 2);
    expect(window.addresses).toEqual([]);
    expect(window.skipped).toEqual([
      { target: 'outside.lab.test', reason: 'resolves to 10.0.0.5, outside scope' },
      { target: 'missing.lab.test', reason: 'does not resolve (ENOTFOUND)' },
    ]);
  });

  it('excludes an excluded address whatever name reaches it', async () => {
    const spec = specOf({
      targets: 'localhost',
      exclusions: '127.0.0.1',
      scope: '127.0.0.0/8',
    });
    const resolution = await resolveHostnames(spec, fakeResolver({ localhost: '127.0.0.1' }));
    expect(resolution.skipped).toEqual({ localhost: 'resolves to 127.0.0.1, excluded' });
    expect(batchWindowOf(spec, resolution, 0, 1).addresses).toEqual([]);
  });

  it('asks for approval when a hostname resolves into a sensitive network', async () => {
    const spec = specOf({ targets: 'localhost', scope: '127.0.0.1/32 sensitive' });
    expect(specApprovalRequirement(spec).kind).toBe('not-needed');
    const resolution = await resolveHostnames(spec, fakeResolver({ localhost: '127.0.0.1' }));
    const requirement = specApprovalRequirement(spec, resolution);
    expect(requirement).toMatchObject({ kind: 'ask', reasons: [{ code: 'sensitive' }] });
  });
});
