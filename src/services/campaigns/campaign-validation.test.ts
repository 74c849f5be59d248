import { describe, expect, it } from 'vitest';
import { CampaignRequestInvalid, validateCampaignRequest } from './campaign-validation.js';

const VALID = { name: 'lab', targets: '127.10.0.0/24', ports: '22,80', scope: '127.10.0.0/16' };

function problemsOf(request: unknown): string[] {
  try {
    validateCampaignRequest(request);
  } catch (error) {
    if (error instanceof CampaignRequestInvalid) return error.problems;
    throw error;
  }
  return [];
}

describe('validateCampaignRequest', () => {
  it('accepts a valid request and fills defaults', () => {
    const { request, plan } = validateCampaignRequest(VALID);
    expect(request.engine).toBe('auto');
    // 512 probes: one batch (adaptive tuning, see campaign-tuning.ts).
    expect(plan).toMatchObject({ hostCount: 256, portCount: 2, batchSize: 256, batchCount: 1 });
  });

  it('names every offending token, including ones that look like nmap flags', () => {
    expect(problemsOf({ ...VALID, targets: '127.10.0.300\n-oN\n--script=x' })).toEqual([
      '"127.10.0.300": octet out of range',
      '"-oN": not a target',
      '"--script=x": not a target',
    ]);
  });

  it('refuses targets outside scope, a missing scope and huge ranges', () => {
    expect(problemsOf({ ...VALID, targets: '0.0.0.0/0' })).toContain('"0.0.0.0/0": outside scope');
    expect(problemsOf({ ...VALID, scope: '' }).join()).toMatch(
      /scope: at least one network is required/,
    );
    expect(problemsOf({ ...VALID, targets: '127.0.0.0/8', scope: '127.0.0.0/8' }).join()).toMatch(
      /16777216 hosts exceeds the limit of 65536/,
    );
  });

  it('refuses malformed requests with the field named', () => {
    expect(problemsOf({ ...VALID, name: '' })).toEqual(['name: required']);
    expect(problemsOf({ ...VALID, engine: 'masscan' }).join()).toMatch(/^engine: /);
    expect(problemsOf(null).join()).toMatch(/request/);
  });

  it('bounds the number of batches', () => {
    expect(problemsOf({ ...VALID, targets: '127.10.0.0/16', batchSize: 1 }).join()).toMatch(
      /batchSize: 1 makes 65536 batches \(at most 2000\); use 33 or more/,
    );
  });
});
