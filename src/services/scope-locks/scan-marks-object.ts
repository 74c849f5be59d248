import * as restate from '@restatedev/restate-sdk';
import { readStateEntries } from '../state-entries.js';
import { z } from 'zod';
import { MAX_MARKED_TARGETS, ScanMark } from '../../shared/campaign.js';
import { formatTargets, parseTargets } from '../../shared/target-spec.js';

const MARK_PREFIX = 'campaign:';

/** The mark of a campaign's targets, from its target and exclusion text. */
export function scanMarkFor(input: {
  campaignId: string;
  name: string;
  targets: string;
  exclusions?: string;
  maxHosts?: number;
  markedAt: string;
}): ScanMark {
  const parsed = parseTargets(input.targets, input.exclusions ?? '', {
    maxHosts: input.maxHosts ?? Number.POSITIVE_INFINITY,
  });
  const all = parsed.ok ? formatTargets(parsed.value).split('\n').filter(Boolean) : [];
  return {
    campaignId: input.campaignId,
    name: input.name,
    targets: all.slice(0, MAX_MARKED_TARGETS),
    moreTargets: Math.max(0, all.length - MAX_MARKED_TARGETS),
    markedAt: input.markedAt,
  };
}

/**
 * Targets under scan right now, keyed INDEX_KEY, one state entry per campaign.
 * The CampaignWorkflow sets a campaign's mark once it holds its scope locks
 * and clears it when it stops for any reason (completion, cancel, failure).
 */
export const scanMarksObject = restate.object({
  name: 'ScanMarks',
  handlers: {
    mark: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ScanMark), ingressPrivate: true },
      async (context: restate.ObjectContext, mark: ScanMark) => {
        context.set(MARK_PREFIX + mark.campaignId, mark);
      },
    ),

    clear: restate.handlers.object.exclusive(
      { input: restate.serde.schema(z.string().min(1)), ingressPrivate: true },
      async (context: restate.ObjectContext, campaignId: string) => {
        context.clear(MARK_PREFIX + campaignId);
      },
    ),

    list: restate.handlers.object.shared(
      async (context: restate.ObjectSharedContext): Promise<ScanMark[]> => {
        const marks = await readStateEntries<ScanMark>(context, MARK_PREFIX);
        return marks.sort((left, right) => left.markedAt.localeCompare(right.markedAt));
      },
    ),
  },
});
export type ScanMarksObject = typeof scanMarksObject;
