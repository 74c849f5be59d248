import { describe, expect, it } from 'vitest';
import {
  ApprovalPolicy,
  DEFAULT_APPROVAL_POLICY,
  approvalReasons,
  approvalRequirement,
  decisionRefusal,
  formatDuration,
  parseDuration,
  type ApprovalOutcome,
  type PendingApproval,
} from './approval';
import { CampaignRequest } from './campaign';

const SMALL = { hostCount: 30, portCount: 6, sensitiveTargets: [] };

describe('approvalReasons', () => {
  it('finds nothing to ask about a small, plain campaign', () => {
    expect(approvalReasons(SMALL)).toEqual([]);
  });

  it('names every reason: hosts, ports, service detection, sensitive networks', () => {
    const reasons = approvalReasons({
      hostCount: 4097,
      portCount: 1001,
      sensitiveTargets: ['127.60.0.0/24'],
      serviceDetection: true,
    });
    expect(reasons.map((reason) => reason.code)).toEqual([
      'hosts',
      'ports',
      'service-detection',
      'sensitive',
    ]);
    expect(reasons[0]!.message).toBe('4097 targets (more than 4096)');
    expect(reasons[3]!.message).toContain('127.60.0.0/24');
  });

  it('treats the thresholds as inclusive limits', () => {
    expect(approvalReasons({ ...SMALL, hostCount: 4096, portCount: 1000 })).toEqual([]);
  });

  it('follows a configured policy', () => {
    const policy = ApprovalPolicy.parse({ maxHosts: 10, serviceDetectionNeedsApproval: false });
    expect(
      approvalReasons({ ...SMALL, serviceDetection: true }, policy).map((reason) => reason.code),
    ).toEqual(['hosts']);
    expect(DEFAULT_APPROVAL_POLICY.maxHosts).toBe(4096);
  });
});

describe('approvalRequirement', () => {
  const flagged = { ...SMALL, sensitiveTargets: ['127.60.0.5'] };
  it('auto asks only when flagged', () => {
    expect(approvalRequirement('auto', SMALL)).toEqual({ kind: 'not-needed' });
    expect(approvalRequirement('auto', flagged).kind).toBe('ask');
  });
  it('required always asks, saying so first', () => {
    const requirement = approvalRequirement('required', SMALL);
    expect(requirement).toEqual({
      kind: 'ask',
      reasons: [{ code: 'required', message: 'approval required by the request' }],
    });
  });
  it('never refuses a flagged campaign and lets a plain one run', () => {
    expect(approvalRequirement('never', SMALL)).toEqual({ kind: 'not-needed' });
    expect(approvalRequirement('never', flagged).kind).toBe('refuse');
  });
});

describe('CampaignRequest with approval "never"', () => {
  const base = { name: 'n', targets: '127.60.0.1-127.60.0.9', ports: '22', scope: '127.60.0.0/24' };
  it('is refused, with the reasons, when the policy flags the campaign', () => {
    const parsed = CampaignRequest.safeParse({
      ...base,
      scope: '127.60.0.0/24 sensitive',
      approval: 'never',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['approval']);
    expect(parsed.error!.issues[0]!.message).toMatch(/mode never refused.*sensitive networks/);
  });
  it('passes for a campaign the policy does not flag', () => {
    expect(CampaignRequest.safeParse({ ...base, approval: 'never' }).success).toBe(true);
  });
  it('rejects an unknown mode and a too short timeout', () => {
    expect(CampaignRequest.safeParse({ ...base, approval: 'maybe' }).success).toBe(false);
    expect(CampaignRequest.safeParse({ ...base, approvalTimeoutMs: 10 }).success).toBe(false);
  });
});

describe('decisionRefusal', () => {
  const pending: PendingApproval = {
    id: 'ap-1',
    campaignId: 'c-1',
    name: 'n',
    reasons: [],
    requestedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T01:00:00.000Z',
  };
  const outcome = (kind: ApprovalOutcome['outcome']): ApprovalOutcome => ({
    id: 'ap-1',
    campaignId: 'c-1',
    outcome: kind,
    at: '2026-01-01T00:30:00.000Z',
    by: 'alice',
  });
  it('allows a decision on a pending approval before it expires', () => {
    expect(decisionRefusal('ap-1', pending, undefined, '2026-01-01T00:59:59.999Z')).toBeUndefined();
  });
  it('refuses after the deadline, even before the timer fired', () => {
    expect(decisionRefusal('ap-1', pending, undefined, '2026-01-01T01:00:00.001Z')).toMatch(
      /timed out/,
    );
  });
  it('refuses a second decision, naming the first', () => {
    expect(decisionRefusal('c-1', undefined, outcome('approved'), 'x')).toBe(
      'approval ap-1 (campaign c-1) was already approved by alice at 2026-01-01T00:30:00.000Z',
    );
    expect(decisionRefusal('c-1', undefined, outcome('timed-out'), 'x')).toMatch(/timed out/);
    expect(decisionRefusal('c-1', undefined, outcome('withdrawn'), 'x')).toMatch(/withdrawn/);
  });
  it('refuses an unknown id', () => {
    expect(decisionRefusal('nope', undefined, undefined, 'x')).toMatch(/no pending approval nope /);
  });
});

describe('durations', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['2d', 172_800_000],
    ['1500ms', 1500],
  ])('parses %s', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
  it.each(['', '30', 'm', '-5m', '1.5h', '30 minutes', '5w'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
  it('formats the largest units', () => {
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(1500)).toBe('1s500ms');
  });
});
