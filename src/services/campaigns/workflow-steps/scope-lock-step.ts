import { INDEX_KEY } from '../../../shared/service-contracts.js';
import * as restate from '@restatedev/restate-sdk';
import { scopeLocksObject, type LockGrant } from '../../scope-locks/scope-locks-object.js';
import type { CampaignRun, Ending } from './campaign-run.js';

/**
 * Step 3: ScopeLocks grants the campaign's scope networks or queues it (state
 * `queued`); a queued campaign waits on an awakeable the lock object resolves
 * when its networks free up (see scope-lock-table.ts for the fairness rule).
 */
export async function scopeLockStep(run: CampaignRun): Promise<Ending | undefined> {
  const { context, spec, campaignId, publisher } = run;
  const networks = spec.lockNetworks;
  const locks = context.objectClient(scopeLocksObject, INDEX_KEY);
  run.saga.register('release scope locks', () => locks.release(campaignId));
  const grant = context.awakeable<LockGrant>();
  const answer = await locks.acquire({
    campaignId,
    name: spec.name,
    networks,
    awakeableId: grant.id,
  });
  if (!answer.granted) {
    publisher.progress.queue = {
      position: answer.position,
      blockedBy: answer.blockedBy,
      queuedAt: await run.now(),
    };
    await publisher.publish('queued');
    await publisher.audit(
      'queued',
      `position ${answer.position}, scope ${networks.join(', ')} overlaps ${answer.blockedBy.join(', ')}`,
    );
    const first = await restate.RestatePromise.race([
      grant.promise.map(() => ({ granted: true as const })),
      run.cancelled,
    ]);
    if ('cancelled' in first)
      return { state: 'cancelled', event: 'cancelled', detail: first.cancelled };
    delete publisher.progress.queue;
  }
  await publisher.audit('scope locked', networks.join(', '));
  return undefined;
}
