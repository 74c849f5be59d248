import { SEVERITY_ORDER, type Severity } from '../../../../shared/vulnerability';
import type { ThreatSummary, TriageState } from '../../../../shared/threat';

export type ThreatSortColumn =
  | 'cve'
  | 'severity'
  | 'product'
  | 'affectedHosts'
  | 'firstSeen'
  | 'lastSeen'
  | 'triageState';

export interface ThreatQuery {
  severities: readonly Severity[];
  triageStates: readonly TriageState[];
  text: string;
  sort: { column: ThreatSortColumn; direction: 'ascending' | 'descending' };
}

export const DEFAULT_THREAT_QUERY: ThreatQuery = {
  severities: [],
  triageStates: [],
  text: '',
  sort: { column: 'severity', direction: 'descending' },
};

const TRIAGE_ORDER: readonly TriageState[] = ['new', 'confirmed', 'false-positive', 'remediated'];

/** Ascending order for each column; "descending severity" lists critical first. */
function compare(column: ThreatSortColumn, left: ThreatSummary, right: ThreatSummary): number {
  switch (column) {
    case 'cve':
      return compareCve(left.cve, right.cve);
    case 'severity':
      return (
        SEVERITY_ORDER.indexOf(right.severity) - SEVERITY_ORDER.indexOf(left.severity) ||
        left.cvssScore - right.cvssScore
      );
    case 'product':
      return left.product.localeCompare(right.product);
    case 'affectedHosts':
      return left.affectedHosts - right.affectedHosts;
    case 'firstSeen':
      return left.firstSeen.localeCompare(right.firstSeen);
    case 'lastSeen':
      return left.lastSeen.localeCompare(right.lastSeen);
    case 'triageState':
      return TRIAGE_ORDER.indexOf(left.triageState) - TRIAGE_ORDER.indexOf(right.triageState);
  }
}

/** CVE ids by year, then number: CVE-2021-9999 before CVE-2021-10000. */
export function compareCve(left: string, right: string): number {
  const [, leftYear = '', leftNumber = ''] = left.split('-');
  const [, rightYear = '', rightNumber = ''] = right.split('-');
  return (
    Number(leftYear) - Number(rightYear) ||
    Number(leftNumber) - Number(rightNumber) ||
    left.localeCompare(right)
  );
}

export function matchesThreatQuery(
  row: ThreatSummary,
  query: ThreatQuery,
  needle: string,
  cvesOnMatchingHosts?: ReadonlySet<string>,
): boolean {
  if (query.severities.length > 0 && !query.severities.includes(row.severity)) return false;
  if (query.triageStates.length > 0 && !query.triageStates.includes(row.triageState)) return false;
  if (needle === '') return true;
  // A search that names hosts (an address, a network, a port) lists their CVEs.
  if (cvesOnMatchingHosts) return cvesOnMatchingHosts.has(row.cve);
  return (
    row.cve.toLowerCase().includes(needle) ||
    row.product.toLowerCase().includes(needle) ||
    row.summary.toLowerCase().includes(needle)
  );
}

/** The rows the table shows, in order; ties fall back to the CVE id so the order is stable. */
export function filterAndSortThreats(
  rows: readonly ThreatSummary[],
  query: ThreatQuery,
  cvesOnMatchingHosts?: ReadonlySet<string>,
): ThreatSummary[] {
  const needle = query.text.trim().toLowerCase();
  const direction = query.sort.direction === 'ascending' ? 1 : -1;
  return rows
    .filter((row) => matchesThreatQuery(row, query, needle, cvesOnMatchingHosts))
    .sort(
      (left, right) =>
        direction * compare(query.sort.column, left, right) || compareCve(left.cve, right.cve),
    );
}

export function countBySeverity(rows: readonly { severity: Severity }[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, none: 0 };
  for (const row of rows) counts[row.severity] += 1;
  return counts;
}

/** Clicking a column sorts by it; clicking it again flips the direction. */
export function toggleSort(
  current: ThreatQuery['sort'],
  column: ThreatSortColumn,
): ThreatQuery['sort'] {
  if (current.column === column)
    return {
      column,
      direction: current.direction === 'ascending' ? 'descending' : 'ascending',
    };
  const descendingFirst: ThreatSortColumn[] = [
    'severity',
    'affectedHosts',
    'lastSeen',
    'firstSeen',
  ];
  return { column, direction: descendingFirst.includes(column) ? 'descending' : 'ascending' };
}

const SORT_COLUMNS: readonly ThreatSortColumn[] = [
  'cve',
  'severity',
  'product',
  'affectedHosts',
  'firstSeen',
  'lastSeen',
  'triageState',
];

/** The table's query from the URL's filters; unknown values are ignored, not errors. */
export function threatQueryFromSearch(search: URLSearchParams): ThreatQuery {
  const list = (name: string) =>
    (search.get(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const [column, direction] = (search.get('sort') ?? '').split(':');
  return {
    text: search.get('q') ?? '',
    severities: list('severity').filter((item): item is Severity =>
      SEVERITY_ORDER.includes(item as Severity),
    ),
    triageStates: list('triage').filter((item): item is TriageState =>
      TRIAGE_ORDER.includes(item as TriageState),
    ),
    sort:
      SORT_COLUMNS.includes(column as ThreatSortColumn) &&
      (direction === 'ascending' || direction === 'descending')
        ? { column: column as ThreatSortColumn, direction }
        : DEFAULT_THREAT_QUERY.sort,
  };
}

/** The URL filters of a query change (empty values drop out of the URL). */
export function threatSearchPatch(patch: Partial<ThreatQuery>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (patch.text !== undefined) out.q = patch.text;
  if (patch.severities !== undefined) out.severity = patch.severities.join(',');
  if (patch.triageStates !== undefined) out.triage = patch.triageStates.join(',');
  if (patch.sort !== undefined) {
    const isDefault =
      patch.sort.column === DEFAULT_THREAT_QUERY.sort.column &&
      patch.sort.direction === DEFAULT_THREAT_QUERY.sort.direction;
    out.sort = isDefault ? undefined : `${patch.sort.column}:${patch.sort.direction}`;
  }
  return out;
}
