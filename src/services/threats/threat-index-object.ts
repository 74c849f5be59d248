import * as restate from '@restatedev/restate-sdk';
import { readStateEntries, readStateValues } from '../state-entries.js';
import { compareThreatRank } from '../../shared/vulnerability.js';
import { ThreatFilter, ThreatSummary, type ThreatSort } from '../../shared/threat.js';
import { trustedBulkInput } from '../trusted-input.js';

const ENTRY_PREFIX = 'threat:';

/**
 * The threats table: one small summary per CVE, kept current by ThreatIntel.
 * One state entry per CVE (not one big list) so an upsert rewrites only its row;
 * upserts use lazy state so they do not carry the whole table with each call.
 */
export const threatIndexObject = restate.object({
  name: 'ThreatIndex',
  handlers: {
    upsert: restate.handlers.object.exclusive(
      { input: restate.serde.schema(ThreatSummary), ingressPrivate: true, enableLazyState: true },
      async (context: restate.ObjectContext, row: ThreatSummary) => {
        await keepNewestRows(context, [row]);
      },
    ),

    /** The rows of one batch's CVEs in one call (see recordThreatSightings). */
    upsertMany: restate.handlers.object.exclusive(
      {
        input: trustedBulkInput<ThreatSummary[]>(),
        ingressPrivate: true,
        enableLazyState: true,
      },
      async (context: restate.ObjectContext, rows: ThreatSummary[]) => {
        await keepNewestRows(context, rows);
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
        return rows.sort(threatOrder(filter?.sort));
      },
    ),
  },
});
export type ThreatIndexObject = typeof threatIndexObject;

/** Writes each row unless the table already has a later revision of its CVE. */
async function keepNewestRows(context: restate.ObjectContext, rows: readonly ThreatSummary[]) {
  const stored = await readStateValues<ThreatSummary>(
    context,
    rows.map((row) => ENTRY_PREFIX + row.cve),
  );
  rows.forEach((row, index) => {
    if (isNewerRow(row, stored[index] ?? undefined)) context.set(ENTRY_PREFIX + row.cve, row);
  });
}

/**
 * Whether `row` replaces `stored`: rows of one CVE may arrive out of order
 * (two batches' writes race), so the record's revision decides, not arrival.
 */
export function isNewerRow(row: ThreatSummary, stored: ThreatSummary | undefined): boolean {
  return !stored || (row.revision ?? 0) >= (stored.revision ?? 0);
}

export function matchesFilter(row: ThreatSummary, filter: ThreatFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.severity?.length && !filter.severity.includes(row.severity)) return false;
  if (filter.triageState?.length && !filter.triageState.includes(row.triageState)) return false;
  if (filter.kev && !row.kev) return false;
  if (filter.minEpss !== undefined && !(row.epss && row.epss.score >= filter.minEpss)) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    if (![row.cve, row.summary, row.product].some((field) => field.toLowerCase().includes(needle)))
      return false;
  }
  return true;
}

/** The comparator for a list order; every order falls back to the rank so ties are stable. */
export function threatOrder(
  sort: ThreatSort | undefined,
): (left: ThreatSummary, right: ThreatSummary) => number {
  switch (sort) {
    case 'epss':
      return (left, right) =>
        (right.epss?.score ?? -1) - (left.epss?.score ?? -1) || compareThreatRank(left, right);
    case 'cvss':
      return (left, right) => right.cvssScore - left.cvssScore || compareThreatRank(left, right);
    case 'last-seen':
      return (left, right) =>
        right.lastSeen.localeCompare(left.lastSeen) || compareThreatRank(left, right);
    default:
      return compareThreatRank;
  }
}
