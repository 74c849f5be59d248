import { INDEX_KEY } from '../../shared/service-contracts.js';
import * as restate from '@restatedev/restate-sdk';
import { readStateEntries } from '../state-entries.js';
import { compareThreatRank } from '../../shared/vulnerability.js';
import { ThreatFilter, ThreatSummary } from '../../shared/threat.js';

/** The index has one key: every CVE's summary is a separate state entry under it. */
/** The singleton key, defined once in src/shared/service-contracts.ts. */
export const THREAT_INDEX_KEY = INDEX_KEY;
const ENTRY_PREFIX = 'threat:';

/**
 * The threats table: one small summary per CVE, kept current by ThreatIntel.
 * One state entry per CVE (not one big list) so an upsert rewrites only its row.
 */
export const threatIndexObject = restate.object({
  name: 'ThreatIndex',
  handlers: {
    upsert: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ThreatSummary), ingressPrivate: true },
      async (context: restate.ObjectContext, summary: ThreatSummary) => {
        context.set(ENTRY_PREFIX + summary.cve, summary);
      },
    ),

    /** Most severe first; filters are optional and combine with AND. */
    list: restate.handlers.object.shared(
      { input: restate.serde.schema(ThreatFilter) },
      async (
        context: restate.ObjectSharedContext,
        filter?: ThreatFilter,
      ): Promise<ThreatSummary[]> => {
        const rows = (await readStateEntries<ThreatSummary>(context, ENTRY_PREFIX)).filter((row) =>
          matchesFilter(row, filter),
        );
        return rows.sort(compareThreatRank);
      },
    ),
  },
});
export type ThreatIndexObject = typeof threatIndexObject;

export function matchesFilter(row: ThreatSummary, filter: ThreatFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.severity?.length && !filter.severity.includes(row.severity)) return false;
  if (filter.triageState?.length && !filter.triageState.includes(row.triageState)) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    if (![row.cve, row.summary, row.product].some((field) => field.toLowerCase().includes(needle)))
      return false;
  }
  return true;
}
