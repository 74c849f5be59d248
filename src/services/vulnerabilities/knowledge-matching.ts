import type * as restate from '@restatedev/restate-sdk';
import type { Observation } from '../../shared/observation.js';
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
 * imported since.
 */
export function matchWithCurrentKnowledge(
  context: restate.Context,
  stepName: string,
  loadKnowledge: LoadKnowledge,
  observations: Iterable<Observation>,
): restate.RestatePromise<Finding[]> {
  return context.run(stepName, async () =>
    matchObservations(observations, (await loadKnowledge()).index),
  );
}
