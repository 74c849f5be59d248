import { describe, expect, it } from 'vitest';
import {
  fromCampaignRequest,
  approvalTimeoutMs,
  checkCampaignForm,
  EMPTY_CAMPAIGN_FORM,
  issuesFor,
  offendingLines,
  SubmissionKeys,
  toCampaignRequest,
  toScheduleCadence,
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

  it('names an unnamed campaign after its first target, like the CLI, and wants whole numbers', () => {
    const check = checkCampaignForm({
      ...valid,
      name: ' ',
      batchesInFlight: '99',
      batchSize: '2.5',
      ratePerSecond: 'fast',
    });
    expect(issuesFor(check, 'name')).toHaveLength(0);
    expect(
      toCampaignRequest({ ...valid, name: ' ', targets: '# lab\n127.10.0.1-30, 127.10.0.40' }).name,
    ).toBe('127.10.0.1-30');
    expect(issuesFor(check, 'ratePerSecond')[0]?.message).toMatch(/1 to 1000000/);
    expect(issuesFor(check, 'batchesInFlight')[0]?.message).toMatch(/1 to 32/);
    expect(issuesFor(check, 'batchSize').length).toBeGreaterThan(0);
  });

  it('sends service detection and rate, and service detection asks for approval', () => {
    const request = toCampaignRequest({ ...valid, serviceDetection: true, ratePerSecond: '200' });
    expect(request).toMatchObject({ serviceDetection: true, ratePerSecond: 200 });
    const check = checkCampaignForm({ ...valid, serviceDetection: true });
    expect(check.approval?.kind).toBe('ask');
    expect(fromCampaignRequest(request)).toMatchObject({
      serviceDetection: true,
      ratePerSecond: '200',
      targets: valid.targets,
    });
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

describe('approval and schedule fields', () => {
  const now = Date.parse('2026-03-01T12:00:00.000Z');

  it('sends the approval mode and timeout, and shows what the policy will ask', () => {
    const check = checkCampaignForm(
      { ...valid, approval: 'required', approvalTimeout: '1h30m' },
      now,
    );
    expect(check.issues).toEqual([]);
    expect(check.approval).toMatchObject({ kind: 'ask' });
    expect(
      toCampaignRequest({ ...valid, approval: 'required', approvalTimeout: '1h30m' }),
    ).toMatchObject({ approval: 'required', approvalTimeoutMs: 5_400_000 });
    // auto and an empty timeout leave the service's defaults.
    const request = toCampaignRequest(valid);
    expect(request).not.toHaveProperty('approval');
    expect(request).not.toHaveProperty('approvalTimeoutMs');
    expect(checkCampaignForm(valid, now).approval).toEqual({ kind: 'not-needed' });
  });

  it('marks a timeout that is not a duration or out of range', () => {
    expect(
      issuesFor(checkCampaignForm({ ...valid, approvalTimeout: 'soon' }, now), 'approvalTimeout')[0]
        ?.message,
    ).toMatch(/duration/);
    expect(
      issuesFor(checkCampaignForm({ ...valid, approvalTimeout: '31d' }, now), 'approvalTimeout'),
    ).toHaveLength(1);
    expect(approvalTimeoutMs('')).toBeUndefined();
    expect(approvalTimeoutMs('2h')).toBe(7_200_000);
  });

  it('refuses "never" for a campaign the policy flags', () => {
    const check = checkCampaignForm(
      { ...valid, approval: 'never', scope: '127.10.0.0/24 sensitive' },
      now,
    );
    expect(issuesFor(check, 'approval')[0]?.message).toMatch(/sensitive/);
    expect(check.plan).toBeUndefined();
  });

  it('turns the schedule choice into a cadence', () => {
    expect(toScheduleCadence({ ...valid, schedule: 'now' }, now)).toEqual({});
    expect(
      toScheduleCadence({ ...valid, schedule: 'every-minutes', scheduleEvery: '15' }, now),
    ).toEqual({
      cadence: { kind: 'every', intervalMs: 900_000 },
    });
    expect(
      toScheduleCadence({ ...valid, schedule: 'every-hours', scheduleEvery: '6' }, now),
    ).toEqual({
      cadence: { kind: 'every', intervalMs: 21_600_000 },
    });
    expect(toScheduleCadence({ ...valid, schedule: 'daily' }, now).cadence).toEqual({
      kind: 'every',
      intervalMs: 86_400_000,
    });
    expect(toScheduleCadence({ ...valid, schedule: 'weekly' }, now).cadence).toEqual({
      kind: 'every',
      intervalMs: 604_800_000,
    });
    const at = new Date(now + 3_600_000);
    const local = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}T${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
    expect(toScheduleCadence({ ...valid, schedule: 'once', scheduleAt: local }, now)).toEqual({
      cadence: { kind: 'once', at: at.toISOString() },
    });
  });

  it('marks a schedule that cannot fire', () => {
    expect(toScheduleCadence({ ...valid, schedule: 'once', scheduleAt: '' }, now).issue).toMatch(
      /pick/,
    );
    expect(
      toScheduleCadence({ ...valid, schedule: 'once', scheduleAt: '2020-01-01T00:00' }, now).issue,
    ).toMatch(/future/);
    expect(
      toScheduleCadence({ ...valid, schedule: 'every-minutes', scheduleEvery: '0' }, now).issue,
    ).toMatch(/whole number/);
    expect(
      toScheduleCadence({ ...valid, schedule: 'every-hours', scheduleEvery: '1.5' }, now).issue,
    ).toMatch(/whole number/);
    const check = checkCampaignForm(
      { ...valid, schedule: 'every-minutes', scheduleEvery: 'x' },
      now,
    );
    expect(issuesFor(check, 'schedule')).toHaveLength(1);
    expect(check.plan).toBeUndefined();
    expect(
      checkCampaignForm({ ...valid, schedule: 'every-minutes', scheduleEvery: '30' }, now).cadence,
    ).toEqual({ kind: 'every', intervalMs: 1_800_000 });
  });
});
