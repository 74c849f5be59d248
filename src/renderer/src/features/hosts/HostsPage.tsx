import { useDeferredValue, useMemo } from 'react';
import { LoadError } from '../../components/LoadError';
import type { HostRecord } from '../../../../shared/host-inventory';
import { searchHosts } from '../../../../shared/host-search';
import { SeverityCountChips } from '../../components/badges';
import { HostLink } from '../../components/HostLink';
import { formatDateTime } from '../../lib/format';
import { usePageTitle, useUrlFilters } from '../../lib/hooks';
import { useHostList } from '../../queries/host-queries';
import { useAppStore } from '../../store/app-store';
import { describeService, hostSeverityCounts } from './host-view-model';

const EMPTY: HostRecord[] = [];

/** Every host any campaign saw, searchable by address, network, port, service or product. */
export function HostsPage() {
  const list = useHostList();
  const hosts = list.data ?? EMPTY;
  const remembered = useAppStore((state) => state.rememberedFilters.hosts ?? '');
  const rememberFilters = useAppStore((state) => state.rememberFilters);
  const [search, updateSearch] = useUrlFilters(remembered, (text) =>
    rememberFilters('hosts', text),
  );
  const query = search.get('q') ?? '';
  const deferredQuery = useDeferredValue(query);
  const rows = useMemo(() => searchHosts(hosts, deferredQuery), [hosts, deferredQuery]);
  usePageTitle('Hosts');

  return (
    <section className="page" data-testid="hosts-page" aria-labelledby="hosts-title">
      <div className="page-header">
        <h1 id="hosts-title">Hosts</h1>
        <span className="muted" data-testid="host-count">
          {rows.length.toLocaleString('en-US')} of {hosts.length.toLocaleString('en-US')} hosts
        </span>
      </div>
      <LoadError what="hosts" query={list} />
      <div className="card filters" role="search" aria-label="Search hosts">
        <div className="field" style={{ flex: '1 1 320px' }}>
          <label htmlFor="host-search">Search</label>
          <input
            id="host-search"
            type="search"
            placeholder="address, network (127.10.0.0/24), port (22), service or product (exim)"
            value={query}
            data-testid="host-search"
            onChange={(event) => updateSearch({ q: event.target.value })}
          />
        </div>
      </div>
      <div className="card table-wrap" tabIndex={0} role="region" aria-label="Host list">
        <table data-testid="host-table">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Open ports and services</th>
              <th scope="col">CVEs (C/H/M/L)</th>
              <th scope="col">First seen</th>
              <th scope="col">Last seen</th>
              <th scope="col" className="num">
                Campaigns
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((host) => (
              <tr key={host.address} data-testid="host-row" data-address={host.address}>
                <td>
                  <HostLink address={host.address} />
                  {host.hostnames.length > 0 ? (
                    <div className="muted">{host.hostnames.join(', ')}</div>
                  ) : null}
                </td>
                <td>
                  {host.ports.length === 0 ? (
                    <span className="muted">none open</span>
                  ) : (
                    <ul className="plain-list">
                      {host.ports.map((port) => (
                        <li key={port.port}>
                          <span className="mono">{port.port}</span> {describeService(port)}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  <SeverityCountChips counts={hostSeverityCounts(host)} />
                </td>
                <td className="nowrap">{formatDateTime(host.firstSeen)}</td>
                <td className="nowrap">{formatDateTime(host.lastSeen)}</td>
                <td className="num">{host.campaigns.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && list.isSuccess ? (
          <p className="empty" data-testid="hosts-empty">
            {hosts.length === 0
              ? 'No host seen yet: run a campaign.'
              : 'No host matches the search.'}
          </p>
        ) : null}
      </div>
    </section>
  );
}
