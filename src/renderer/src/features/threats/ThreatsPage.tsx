import { useDeferredValue, useMemo } from 'react';
import { LoadError } from '../../components/LoadError';
import { TriageState, type ThreatSummary } from '../../../../shared/threat';
import { SEVERITY_ORDER } from '../../../../shared/vulnerability';
import { BarChart } from '../../components/BarChart';
import { SEVERITY_LABEL, SeverityBadge, TRIAGE_LABEL, TriageBadge } from '../../components/badges';
import { VirtualRows } from '../../components/VirtualRows';
import { formatDateTime } from '../../lib/format';
import { cvesOnHostsMatching, namesHosts } from '../../../../shared/host-search';
import { usePageTitle, useUrlFilters } from '../../lib/hooks';
import { useHostList } from '../../queries/host-queries';
import { routeHref } from '../../lib/route';
import { describeBackendError } from '../../backend/spectra-backend';
import { useRematchMutation, useThreatList } from '../../queries/threat-queries';
import { useAppStore } from '../../store/app-store';
import { severityBars } from '../campaigns/campaign-report-model';
import {
  countBySeverity,
  filterAndSortThreats,
  threatQueryFromSearch,
  threatSearchPatch,
  toggleSort,
  type ThreatQuery,
  type ThreatSortColumn,
} from './threat-table-model';
import { useActionsAllowed } from '../connection/connection-context';

const ROW_HEIGHT = 36;
const EMPTY: ThreatSummary[] = [];

const COLUMNS: Array<{ column: ThreatSortColumn; label: string }> = [
  { column: 'cve', label: 'CVE' },
  { column: 'severity', label: 'Severity · CVSS' },
  { column: 'exploitation', label: 'KEV · EPSS' },
  { column: 'product', label: 'Product' },
  { column: 'affectedHosts', label: 'Hosts' },
  { column: 'firstSeen', label: 'First seen' },
  { column: 'lastSeen', label: 'Last seen' },
  { column: 'triageState', label: 'Triage' },
];

function toggled<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((entry) => entry !== item) : [...list, item];
}

export function ThreatsPage() {
  const list = useThreatList();
  // Off while the host is unreachable (the connection banner says why).
  const actionsAllowed = useActionsAllowed();
  const all = list.data ?? EMPTY;
  // Filters live in the URL (a reload or a shared link shows the same rows).
  const remembered = useAppStore((state) => state.rememberedFilters.threats ?? '');
  const rememberFilters = useAppStore((state) => state.rememberFilters);
  const [search, updateSearch] = useUrlFilters(remembered, (text) =>
    rememberFilters('threats', text),
  );
  const query = useMemo(() => threatQueryFromSearch(search), [search.toString()]);
  const setThreatQuery = (patch: Partial<ThreatQuery>) => updateSearch(threatSearchPatch(patch));
  // A search naming hosts (address, network, port) needs the inventory to find their CVEs.
  const hostQuery = namesHosts(query.text);
  const hosts = useHostList(hostQuery).data;
  usePageTitle('Threats');

  // Filtering 10,000 rows per keystroke is cheap, but deferring it keeps typing crisp.
  const deferredQuery = useDeferredValue(query);
  const rows = useMemo(
    () =>
      filterAndSortThreats(
        all,
        deferredQuery,
        hostQuery ? cvesOnHostsMatching(hosts ?? [], deferredQuery.text) : undefined,
      ),
    [all, deferredQuery, hostQuery, hosts],
  );
  const bySeverity = useMemo(() => countBySeverity(rows), [rows]);
  const setSort = (column: ThreatSortColumn) =>
    setThreatQuery({ sort: toggleSort(query.sort, column) });

  return (
    <section className="page" data-testid="threats-page" aria-labelledby="threats-title">
      <div className="page-header">
        <h1 id="threats-title">Threats</h1>
        <span className="muted" data-testid="threat-count">
          {rows.length.toLocaleString('en-US')} of {all.length.toLocaleString('en-US')} records
        </span>
        <span className="spacer" />
        <RematchButton />
        <button
          type="button"
          data-testid="threats-refresh"
          onClick={() => void list.refetch()}
          disabled={list.isFetching || !actionsAllowed}
        >
          Refresh
        </button>
      </div>
      <LoadError what="threats" query={list} />
      <div className="grid-2" style={{ gridTemplateColumns: 'minmax(0, 1.6fr) minmax(0, 1fr)' }}>
        <div className="card filters" role="search" aria-label="Filter threats">
          <div className="field" style={{ flex: '1 1 220px' }}>
            <label htmlFor="threat-search">Search</label>
            <input
              id="threat-search"
              type="search"
              placeholder="CVE, product, summary, or a host: address, network, port"
              value={query.text}
              data-testid="threat-search"
              onChange={(event) => setThreatQuery({ text: event.target.value })}
            />
          </div>
          <FilterToggles
            label="Severity"
            values={SEVERITY_ORDER}
            selected={query.severities}
            describe={(severity) => SEVERITY_LABEL[severity]}
            testId="severity-filter"
            onChange={(severities) => setThreatQuery({ severities })}
          />
          <div className="field">
            <label htmlFor="threat-kev-only">Known exploited</label>
            <input
              id="threat-kev-only"
              type="checkbox"
              checked={query.kevOnly}
              data-testid="threat-kev-filter"
              onChange={(event) => setThreatQuery({ kevOnly: event.target.checked })}
            />
          </div>
          <div className="field" style={{ flex: '0 1 110px' }}>
            <label htmlFor="threat-min-epss">Min EPSS</label>
            <input
              id="threat-min-epss"
              type="number"
              min={0}
              max={1}
              step={0.05}
              value={query.minEpss}
              data-testid="threat-epss-filter"
              onChange={(event) => {
                const value = Number(event.target.value);
                setThreatQuery({
                  minEpss: Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0,
                });
              }}
            />
          </div>
          <FilterToggles
            label="Triage"
            values={TriageState.options}
            selected={query.triageStates}
            describe={(state) => TRIAGE_LABEL[state]}
            testId="triage-filter"
            onChange={(triageStates) => setThreatQuery({ triageStates })}
          />
        </div>
        <div className="card">
          <h2>Findings by severity</h2>
          <BarChart
            data={severityBars(bySeverity)}
            title="Threat records by severity"
            testId="chart-threat-severity"
          />
        </div>
      </div>
      <div
        className="vtable"
        role="table"
        aria-label="Threat records"
        aria-rowcount={rows.length}
        data-testid="threat-table"
      >
        <div className="vtable-head" role="row">
          {COLUMNS.map(({ column, label }) => {
            const active = query.sort.column === column;
            return (
              <span
                key={column}
                role="columnheader"
                aria-sort={active ? query.sort.direction : 'none'}
              >
                <button
                  type="button"
                  aria-pressed={active}
                  data-testid={`sort-${column}`}
                  onClick={() => setSort(column)}
                >
                  {label} {active ? (query.sort.direction === 'ascending' ? '▲' : '▼') : ''}
                </button>
              </span>
            );
          })}
        </div>
        {rows.length === 0 ? (
          <p className="empty">
            {all.length === 0
              ? list.isSuccess
                ? 'No threats recorded yet: run a campaign.'
                : 'Loading…'
              : 'No record matches the filters.'}
          </p>
        ) : (
          <VirtualRows
            count={rows.length}
            rowHeight={ROW_HEIGHT}
            label="Threat rows"
            testId="threat-rows"
            renderRow={(index, style) => {
              const row = rows[index]!;
              return (
                // A row is not a link (ARIA rows cannot be); its CVE cell holds
                // the link, and a click anywhere on the row follows it.
                <div
                  key={row.cve}
                  className="vtable-row"
                  role="row"
                  aria-rowindex={index + 1}
                  style={style}
                  data-index={index}
                  data-cve={row.cve}
                  data-testid="threat-row"
                  // Arrow keys move focus from row to row (VirtualRows); Enter opens one.
                  tabIndex={-1}
                  onClick={(event) => {
                    if ((event.target as HTMLElement).closest('a')) return;
                    window.location.hash = routeHref({ screen: 'threat', cve: row.cve });
                  }}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' && event.target === event.currentTarget)
                      window.location.hash = routeHref({ screen: 'threat', cve: row.cve });
                  }}
                >
                  <span role="cell" className="mono">
                    <a href={routeHref({ screen: 'threat', cve: row.cve })}>{row.cve}</a>
                  </span>
                  <span role="cell">
                    <SeverityBadge severity={row.severity} score={row.cvssScore} />
                  </span>
                  <span role="cell" data-testid="threat-exploitation">
                    <ExploitationCell kev={row.kev} epss={row.epss} />
                  </span>
                  <span role="cell" title={row.summary}>
                    {row.product}
                  </span>
                  <span role="cell" className="mono">
                    {row.affectedHosts}
                  </span>
                  <span role="cell" className="muted">
                    {formatDateTime(row.firstSeen)}
                  </span>
                  <span role="cell" className="muted">
                    {formatDateTime(row.lastSeen)}
                  </span>
                  <span role="cell">
                    <TriageBadge state={row.triageState} />
                  </span>
                </div>
              );
            }}
          />
        )}
      </div>
    </section>
  );
}

function FilterToggles<Value extends string>(props: {
  label: string;
  values: readonly Value[];
  selected: ThreatQuery['severities'] | ThreatQuery['triageStates'] | readonly Value[];
  describe(value: Value): string;
  testId: string;
  onChange(selected: Value[]): void;
}) {
  const selected = props.selected as readonly Value[];
  return (
    <div className="field">
      <span
        className="field-label"
        id={`${props.testId}-label`}
        style={{ fontWeight: 600, fontSize: 13 }}
      >
        {props.label}
      </span>
      <div
        className="toggle-group"
        role="group"
        aria-labelledby={`${props.testId}-label`}
        data-testid={props.testId}
      >
        {props.values.map((value) => (
          <button
            key={value}
            type="button"
            className="toggle"
            aria-pressed={selected.includes(value)}
            data-value={value}
            onClick={() => props.onChange(toggled(selected, value))}
          >
            {props.describe(value)}
          </button>
        ))}
      </div>
    </div>
  );
}

/** `KEV` when CISA lists the CVE as exploited, and the EPSS score when known. */
function ExploitationCell(props: Pick<ThreatSummary, 'kev' | 'epss'>): React.JSX.Element {
  return (
    <>
      {props.kev ? (
        <span className="badge" title={`CISA KEV since ${props.kev.dateAdded}`}>
          KEV
        </span>
      ) : null}{' '}
      {props.epss ? (
        <span className="mono" title={`EPSS percentile ${props.epss.percentile.toFixed(3)}`}>
          {props.epss.score.toFixed(2)}
        </span>
      ) : (
        <span className="muted">–</span>
      )}
    </>
  );
}

/** Re-matches past campaigns against the knowledge as it is now (after `spectra feeds import`). */
function RematchButton(): React.JSX.Element {
  const rematch = useRematchMutation();
  const actionsAllowed = useActionsAllowed();
  return (
    <>
      <span className="muted" role="status" data-testid="rematch-status">
        {rematch.isSuccess
          ? `Re-matched ${rematch.data.services} services: ${rematch.data.cves.length} CVEs`
          : rematch.isError
            ? `Re-match failed: ${describeBackendError(rematch.error)}`
            : ''}
      </span>
      <button
        type="button"
        data-testid="rematch-button"
        title="Match the services past campaigns found against the current feeds, without scanning"
        disabled={rematch.isPending || !actionsAllowed}
        onClick={() => rematch.mutate()}
      >
        Re-match campaigns
      </button>
    </>
  );
}
