import { describe, expect, it } from 'vitest';
import {
  checkCampaignForm,
  EMPTY_CAMPAIGN_FORM,
  issuesFor,
  offendingLines,
  SubmissionKeys,
  toCampaignRequest,
  type CampaignFormValues,
} from './campaign-form-model';

const valid: CampaignFormValues = {
  ...EMPTY_CAMPAIGN_FORM,
  name: 'Lab sweep',
  targets: '127.10.0.1-30',
  scope: '127.10.0.0/24',
  portsPreset: 'custom',
  customPorts: '21,22,80',
  engine: 'builtin',
  batchSize: '8',
  connectTimeoutMs: '500',
};

describe('checkCampaignForm', () => {
  it('plans a valid form with the shared parser', () => {
    const check = checkCampaignForm(valid);
    expect(check.issues).toEqual([]);
    expect(check.plan).toMatchObject({ hostCount: 30, portCount: 3, batchCount: 4 });
  });

  it('points at the offending line of the targets', () => {
    const check = checkCampaignForm({ ...valid, targets: '127.10.0.1\n# comment\n10.0.0.300' });
    const issues = issuesFor(check, 'targets');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 3 });
    expect(issues[0]?.message).toContain('10.0.0.300');
    expect([...offendingLines(issues)]).toEqual([3]);
    expect(check.plan).toBeUndefined();
  });

  it('reports targets outside the scope and bad ports', () => {
    const check = checkCampaignForm({ ...valid, targets: '192.168.1.1', customPorts: '22,70000' });
    expect(issuesFor(check, 'ports')[0]?.message).toMatch(/out of range/);
    expect(issuesFor(check, 'targets').length + issuesFor(check, 'scope').length).toBeGreaterThan(
      0,
    );
  });

  it('requires a name and whole numbers', () => {
    const check = checkCampaignForm({
      ...valid,
      name: ' ',
      batchesInFlight: '99',
      batchSize: '2.5',
    });
    expect(issuesFor(check, 'name')).toHaveLength(1);
    expect(issuesFor(check, 'batchesInFlight')[0]?.message).toMatch(/1 to 32/);
    expect(issuesFor(check, 'batchSize').length).toBeGreaterThan(0);
  });

  it('uses the preset name as the port list', () => {
    expect(toCampaignRequest({ ...valid, portsPreset: 'top-1000' }).ports).toBe('top-1000');
    expect(checkCampaignForm({ ...valid, portsPreset: 'top-100' }).plan?.portCount).toBe(100);
  });
});

describe('toCampaignRequest', () => {
  it('sends numbers as numbers and leaves empty options out', () => {
    expect(toCampaignRequest(valid)).toEqual({
      name: 'Lab sweep',
      targets: '127.10.0.1-30',
      exclusions: undefined,
      ports: '21,22,80',
      scope: '127.10.0.0/24',
      engine: 'builtin',
      batchSize: 8,
      connectTimeoutMs: 500,
    });
  });
});

describe('SubmissionKeys', () => {
  it('reuses the key until the form changes', () => {
    let drawn = 0;
    const keys = new SubmissionKeys(() => `key-${++drawn}`);
    expect(keys.current()).toBe('key-1');
    expect(keys.current()).toBe('key-1');
    keys.reset();
    expect(keys.current()).toBe('key-2');
  });
});
