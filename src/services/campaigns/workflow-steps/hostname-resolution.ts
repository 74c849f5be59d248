import { lookup } from 'node:dns/promises';
import {
  resolvedAddressRefusal,
  type CampaignSpec,
  type HostnameResolution,
} from '../../../shared/campaign-spec.js';
import type { CampaignRun, Ending } from './campaign-run.js';

type Resolver = (hostname: string) => Promise<string>;

const systemResolver: Resolver = async (hostname) => (await lookup(hostname)).address;

/**
 * Resolves every hostname target once and applies the scope and the
 * exclusions to the address it reached: a name can point anywhere, so its
 * address is checked like any literal. Pure apart from the resolver.
 */
export async function resolveHostnames(
  spec: CampaignSpec,
  resolve: Resolver = systemResolver,
): Promise<HostnameResolution> {
  const resolution: HostnameResolution = { resolved: {}, skipped: {} };
  for (const hostname of spec.targets.hostnames) {
    let address: string;
    try {
      address = await resolve(hostname);
    } catch (error) {
      resolution.skipped[hostname] =
        `does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
      continue;
    }
    const refusal = resolvedAddressRefusal(spec, address);
    if (refusal) resolution.skipped[hostname] = refusal;
    else resolution.resolved[hostname] = address;
  }
  return resolution;
}

/** Workflow state: where each hostname resolved, read by `batchWindow`. */
export const RESOLUTION = 'resolution';

/**
 * Step 1: hostnames resolved durably, before the approval policy looks at the
 * campaign, so a name reaching a sensitive network asks like its address would.
 */
export async function resolutionStep(run: CampaignRun): Promise<Ending | undefined> {
  if (run.spec.targets.hostnames.length === 0) return undefined;
  run.resolution = await run.context.run('resolve hostnames', () => resolveHostnames(run.spec));
  run.context.set(RESOLUTION, run.resolution);
  const skipped = Object.entries(run.resolution.skipped);
  if (skipped.length > 0)
    await run.publisher.audit(
      'hostnames skipped',
      skipped
        .slice(0, 20)
        .map(([hostname, reason]) => `${hostname}: ${reason}`)
        .join('; '),
    );
  return undefined;
}
