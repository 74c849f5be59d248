import type * as restate from '@restatedev/restate-sdk';
import type { Observation } from '../../shared/observation.js';
import { packFindings, unpackFindings } from '../../shared/packed-findings.js';
import type { Finding } from '../../shared/vulnerability.js';
import type { KnowledgeBase } from './knowledge-base.js';
import { matchObservations } from './vulnerability-matcher.js';

/**
 * The vulnerability knowledge as it is now: one provider per process
 * (scanner/knowledge-provider.ts) loads it once and again when the feeds change.
 */
export type LoadKnowledge = () => Promise<KnowledgeBase>;

/**
 * Matches services against the knowledge as it is now, in one named journal
 * step: a replay takes the findings from the journal, never from feeds
 * imported since. Journaled packed (packed-findings.ts): a re-match of a whole
 * campaign's services is one entry, which plain findings would make ~8x larger.
 */
export async function matchWithCurrentKnowledge(
  context: restate.Context,
  stepName: string,
  loadKnowledge: LoadKnowledge,
  observations: Iterable<Observation>,
): Promise<Finding[]> {
  return unpackFindings(
    await context.run(stepName, async () =>
      packFindings(matchObservations(observations, (await loadKnowledge()).index)),
    ),
  );
}
