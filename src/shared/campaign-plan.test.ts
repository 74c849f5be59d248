import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CampaignPlan, CampaignPlanInput, formatCampaignPlan, planCampaign } from './campaign-plan';
import { unwrapInput } from './input-error';

function messages(input: Parameters<typeof planCampaign>[0]): string[] {
  const result = planCampaign(input);
  return result.ok ? [] : result.issues.map((issue) => `${issue.field}: ${issue.message}`);
}

describe('planCampaign', () => {
  it('summarizes a valid campaign', () => {
    const plan = unwrapInput(
      planCampaign({
        targets: '127.10.0.0/24\ndb.lab\n!127.10.0.1',
        exclusions: '127.10.0.255',
        ports: '22,80,8000-8100',
        scope: '127.10.0.0/24 sensitive\n10.0.0.0/8',
      }),
    );
    expect(plan).toEqual({
      hostCount: 255,
      addressCount: 254,
      hostnameCount: 1,
      portCount: 103,
      probeCount: 255 * 103,
      // 26,265 probes fit one built-in batch (at most 65,536 probes, about 2 s at 40k/s).
      batchSize: 255,
      batchCount: 1,
      tuning: { batchSize: 255, batchCount: 1, batchesInFlight: 1, adaptive: true },
      maxHosts: 65_536,
      engine: 'auto',
      scope: {
        networks: [
          { network: '127.10.0.0/24', sensitive: true, excluded: false },
          { network: '10.0.0.0/8', sensitive: false, excluded: false },
        ],
        sensitiveTargets: ['127.10.0.0/24'],
      },
      firstTargets: [
        '127.10.0.0',
        '127.10.0.2',
        '127.10.0.3',
        '127.10.0.4',
        '127.10.0.5',
        '127.10.0.6',
        '127.10.0.7',
        '127.10.0.8',
        '127.10.0.9',
        '127.10.0.10',
      ],
      ports: '22,80,8000-8100',
      portsSummary: '22,80,8000-8100 (103 ports)',
    });
    expect(CampaignPlan.parse(plan)).toEqual(plan);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('honours batch size, engine, limit and structured scope', () => {
    const plan = unwrapInput(
      planCampaign({
        targets: '10.0.0.0/8',
        ports: 'top-1000',
        scope: [{ network: '10.0.0.0/8' }],
        batchSize: 4096,
        engine: 'nmap',
        maxHosts: 2 ** 24,
      }),
    );
    expect(plan).toMatchObject({
      hostCount: 2 ** 24,
      batchCount: 4096,
      engine: 'nmap',
      portCount: 1000,
    });
    expect(plan.portsSummary).toMatch(/^1,3-4,6-7,.*,… \(1000 ports\)$/);
    expect(plan.scope.sensitiveTargets).toEqual([]);
  });

  it('collects the issues of every field at once', () => {
    expect(
      messages({
        targets: '10.0.0.300\n-oN',
        exclusions: '--open',
        ports: '22,70000',
        scope: '',
        batchSize: 0,
        maxHosts: 1.5,
      }),
    ).toEqual([
      'batchSize: batchSize: must be a whole number from 1 to 4096',
      'maxHosts: maxHosts: must be a whole number from 1 to 4294967296',
      'targets: "10.0.0.300": octet out of range',
      'targets: "-oN": not a target',
      'exclusions: "--open": not a target',
      'ports: "70000": port out of range',
      'scope: scope: at least one network is required',
    ]);
  });

  it('refuses targets outside scope by their token', () => {
    expect(
      messages({ targets: '0.0.0.0/0', ports: '22', scope: '10.0.0.0/8', maxHosts: 2 ** 32 }),
    ).toEqual(['targets: "0.0.0.0/0": outside scope']);
    expect(messages({ targets: '10.0.0.0/8', ports: '22', scope: '10.0.0.0/8' })).toEqual([
      'targets: "10.0.0.0/8": 16777216 hosts exceeds the limit of 65536 per campaign',
    ]);
    expect(messages({ targets: '0.0.0.0/0 ::/0', ports: '22', scope: '10.0.0.0/8' })).toEqual([
      'targets: "0.0.0.0/0": 4294967296 hosts exceeds the limit of 65536 per campaign',
      'targets: "::/0": 340282366920938463463374607431768211456 hosts exceeds the limit of 65536 per campaign',
      'targets: "0.0.0.0/0": outside scope',
      'targets: "::/0": outside scope',
    ]);
  });

  it('prints a dry run', () => {
    const plan = unwrapInput(
      planCampaign({ targets: '10.0.0.1-2 web.lab', ports: '22', scope: '10.0.0.0/24 sensitive' }),
    );
    expect(formatCampaignPlan(plan)).toBe(
      [
        'targets:  3 (2 addresses, 1 hostname)',
        'first:    10.0.0.1, 10.0.0.2, web.lab',
        'ports:    22 (1 port)',
        'probes:   3',
        'batches:  1 batch of up to 3, 1 in flight (adaptive)',
        'engine:   auto',
        'scope:    10.0.0.0/24 (sensitive)',
        'approval: needed, sensitive networks reached by 10.0.0.1-2',
      ].join('\n'),
    );
  });

  it('says which engine auto resolves to where the plan was made, and tunes for it', () => {
    const input = { targets: '10.0.0.0/16', ports: '1-100', scope: '10.0.0.0/16' };
    const onNmap = unwrapInput(planCampaign(input, { engine: 'nmap', cores: 1 }));
    const onBuiltin = unwrapInput(planCampaign(input, { engine: 'builtin', cores: 1 }));
    expect(formatCampaignPlan(onNmap)).toContain('engine:   nmap (auto)');
    expect(formatCampaignPlan(onBuiltin)).toContain('engine:   builtin (auto)');
    // One core: one nmap process at a time, while built-in batches overlap their socket waits.
    expect([onNmap.tuning.batchesInFlight, onBuiltin.tuning.batchesInFlight]).toEqual([1, 2]);
    const chosen = unwrapInput(
      planCampaign({ ...input, engine: 'builtin' }, { engine: 'builtin' }),
    );
    expect(formatCampaignPlan(chosen)).toContain('engine:   builtin\n');
  });
});

describe('CampaignPlanInput schema', () => {
  it('passes a valid request through unchanged', () => {
    const input = {
      targets: '10.0.0.1',
      ports: '22',
      scope: '10.0.0.0/24',
      engine: 'builtin' as const,
    };
    expect(CampaignPlanInput.parse(input)).toEqual(input);
  });

  it('reports issues at their field with the line in params', () => {
    const result = CampaignPlanInput.safeParse({
      targets: '10.0.0.1\n10.0.0.300',
      ports: '22',
      scope: '10.0.0.0/8',
    });
    expect(result.error?.issues).toMatchObject([
      {
        path: ['targets'],
        message: '"10.0.0.300": octet out of range',
        params: { field: 'targets', line: 2, token: '10.0.0.300' },
      },
    ]);
  });

  it('rejects wrong shapes before parsing', () => {
    expect(CampaignPlanInput.safeParse({ targets: 1, ports: '22', scope: '' }).success).toBe(false);
    expect(
      CampaignPlanInput.safeParse({
        targets: '10.0.0.1',
        ports: '22',
        scope: '10.0.0.0/8',
        engine: 'masscan',
      }).success,
    ).toBe(false);
  });
});

describe('plan properties', () => {
  it('never throws, whatever the text', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('10.0.0.0/24', '22', 'top-100', '10.0.0.0/8 sensitive', '::/0', '-oN', ''),
    );
    fc.assert(
      fc.property(
        text,
        text,
        text,
        fc.oneof(
          text,
          fc.array(fc.record({ network: text, sensitive: fc.boolean() }), { maxLength: 3 }),
        ),
        fc.option(fc.oneof(fc.integer(), fc.double()), { nil: undefined }),
        (targets, exclusions, ports, scope, batchSize) => {
          const result = planCampaign({ targets, exclusions, ports, scope, batchSize });
          if (result.ok) {
            expect(result.value.batchCount).toBe(
              Math.ceil(result.value.hostCount / result.value.batchSize),
            );
            expect(result.value.probeCount).toBe(result.value.hostCount * result.value.portCount);
          } else {
            expect(result.issues.length).toBeGreaterThan(0);
          }
          expect(() =>
            CampaignPlanInput.safeParse({ targets, exclusions, ports, scope, batchSize }),
          ).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });
});
