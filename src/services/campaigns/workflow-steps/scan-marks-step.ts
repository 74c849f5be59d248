import { INDEX_KEY } from '../../../shared/service-contracts.js';
import { MAX_MARKED_TARGETS } from '../../../shared/campaign.js';
import { targetSetOf } from '../../../shared/campaign-spec.js';
import { formatTargets } from '../../../shared/target-spec.js';
import { scanMarksObject } from '../../scope-locks/scan-marks-object.js';
import type { CampaignRun, Ending } from './campaign-run.js';

/** Step 4: the campaign's targets are marked as under scan (cleared by the saga). */
export async function scanMarksStep(run: CampaignRun): Promise<Ending | undefined> {
  const { context, spec, campaignId } = run;
  const marks = context.objectClient(scanMarksObject, INDEX_KEY);
  run.saga.register('clear scan marks', () => marks.clear(campaignId));
  const targets = formatTargets(targetSetOf(spec)).split('\n').filter(Boolean);
  await marks.mark({
    campaignId,
    name: spec.name,
    targets: targets.slice(0, MAX_MARKED_TARGETS),
    moreTargets: Math.max(0, targets.length - MAX_MARKED_TARGETS),
    markedAt: await run.now(),
  });
  return undefined;
}
