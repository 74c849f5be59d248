import { useCallback, useDeferredValue, useMemo } from 'react';
import { TriageState, type ThreatSummary } from '../../../../shared/threat';
import { SEVERITY_ORDER } from '../../../../shared/vulnerability';
import { BarChart } from '../../components/BarChart';
import { SEVERITY_LABEL, SeverityBadge, TRIAGE_LABEL, TriageBadge } from '../../components/badges';
import { VirtualRows } from '../../components/VirtualRows';
import { formatDateTime } from '../../lib/format';
import { usePolling } from '../../lib/hooks';
import { routeHref } from '../../lib/route';
import { useAppStore } from '../../store/app-store';
import { severityBars } from '../campaigns/campaign-report-model';
import {
  countBySeverity,
  filterAndSortThreats,
  toggleSort,
  type ThreatQuery,
  type ThreatSortColumn,
} from './threat-table-model';

const ROW_HEIGHT = 36;
const THREATS_POLL_MS = 10_000;

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
  const list = useAppStore((state) => state.threatList);
  const query = useAppStore((state) => state.threatQuery);
  const setThreatQuery = useAppStore((state) => state.setThreatQuery);
  const loadThreats = useAppStore((state) => state.loadThreats);
  usePolling(
    useCallback(async () => {
      await loadThreats();
      return true;
    }, [loadThreats]),
    'threat-list',
    { intervalMs: THREATS_POLL_MS },
  );

  // Filtering 10,000 rows per keystroke is cheap, but deferring it keeps typing crisp.
  const deferredQuery = useDeferredValue(query);
  const rows = useMemo(
    () => filterAndSortThreats(list.value, deferredQuery),
    [list.value, deferredQuery],
  );
  const bySeverity = useMemo(() => countBySeverity(rows), [rows]);
  const setSort = (column: ThreatSortColumn) =>
    setThreatQuery({ sort: toggleSort(query.sort, column) });

  return (
    <section className="page" data-testid="threats-page" aria-labelledby="threats-title">
      <div className="page-header">
        <h1 id="threats-title">Threats</h1>
        <span className="muted" data-testid="threat-count">
          {rows.length.toLocaleString('en-US')} of {list.value.length.toLocaleString('en-US')}{' '}
          records
        </span>
        <span className="spacer" />
        <RematchButton />
        <button
          type="button"
          onClick={() => void loadThreats()}
          disabled={list.status === 'loading'}
        >
          Refresh
        </button>
      </div>
      {list.status === 'error' ? (
        <p className="notice error" role="alert">
          Could not load threats: {list.error}
        </p>
      ) : null}
      <div className="grid-2" style={{ gridTemplateColumns: 'minmax(0, 1.6fr) minmax(0, 1fr)' }}>
        <div className="card filters" role="search" aria-label="Filter threats">
          <div className="field" style={{ flex: '1 1 220px' }}>
            <label htmlFor="threat-search">Search</label>
            <input
              id="threat-search"
              type="search"
              placeholder="CVE, product or summary"
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
            {list.value.length === 0
              ? list.status === 'ready'
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
                <a
                  key={row.cve}
                  className="vtable-row"
                  role="row"
                  aria-rowindex={index + 1}
                  href={routeHref({ screen: 'threat', cve: row.cve })}
                  style={style}
                  data-index={index}
                  data-cve={row.cve}
                  data-testid="threat-row"
                >
                  <span role="cell" className="mono">
                    {row.cve}
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
                </a>
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
  const status = useAppStore((state) => state.rematchStatus);
  const rematchCampaigns = useAppStore((state) => state.rematchCampaigns);
  const loadThreats = useAppStore((state) => state.loadThreats);
  return (
    <>
      <span className="muted" role="status" data-testid="rematch-status">
        {status.status === 'done'
          ? `Re-matched ${status.result.services} services: ${status.result.cves.length} CVEs`
          : status.status === 'error'
            ? `Re-match failed: ${status.error}`
            : ''}
      </span>
      <button
        type="button"
        data-testid="rematch-button"
        title="Match the services past campaigns found against the current feeds, without scanning"
        disabled={status.status === 'running'}
        onClick={() => void rematchCampaigns().then(() => loadThreats())}
      >
        Re-match campaigns
      </button>
    </>
  );
}
