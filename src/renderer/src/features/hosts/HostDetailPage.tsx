import { useState } from 'react';
import { LoadError } from '../../components/LoadError';
import { hostCves, type HostCveTriage } from '../../../../shared/host-inventory';
import { TriageState } from '../../../../shared/threat';
import { SeverityBadge, TRIAGE_LABEL, TriageBadge } from '../../components/badges';
import { formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/hooks';
import { routeHref } from '../../lib/route';
import { useCampaignList } from '../../queries/campaign-queries';
import { useHostRecord, useTriageHostCve } from '../../queries/host-queries';
import { useActionsAllowed } from '../connection/connection-context';
import { describeBackendError } from '../../backend/spectra-backend';
import { describeService } from './host-view-model';

/** One host: its names, open ports with what runs there (banner included), CVEs and campaigns. */
export function HostDetailPage(props: { address: string }) {
  const entry = useHostRecord(props.address);
  const host = entry.data ?? null;
  const campaigns = useCampaignList().data ?? [];
  const campaignNames = new Map(campaigns.map((campaign) => [campaign.campaignId, campaign.name]));
  usePageTitle(`Host ${props.address}`);

  return (
    <section
      className="page"
      data-testid="host-detail-page"
      data-address={props.address}
      aria-labelledby="host-title"
    >
      <div className="page-header">
        <div>
          <div className="breadcrumb">
            <a href={routeHref({ screen: 'hosts' })}>Hosts</a> /
          </div>
          <h1 id="host-title" className="mono">
            {props.address}
          </h1>
        </div>
      </div>
      <LoadError what={props.address} query={entry} />
      {!host ? (
        entry.isSuccess ? (
          <p className="empty" data-testid="host-not-found">
            No campaign has seen {props.address}.
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )
      ) : (
        <>
          <div className="grid-2">
            <div className="card">
              <h2>Host</h2>
              <dl className="facts">
                <dt>Hostnames</dt>
                <dd>{host.hostnames.length > 0 ? host.hostnames.join(', ') : '—'}</dd>
                <dt>Open ports</dt>
                <dd className="mono">{host.ports.map((port) => port.port).join(', ') || '—'}</dd>
                <dt>First seen</dt>
                <dd>{formatDateTime(host.firstSeen, true)}</dd>
                <dt>Last seen</dt>
                <dd>{formatDateTime(host.lastSeen, true)}</dd>
              </dl>
            </div>
            <div className="card">
              <h2>CVEs</h2>
              {hostCves(host).length === 0 ? (
                <p className="muted">No known CVE matched what runs here.</p>
              ) : (
                <ul className="plain-list" data-testid="host-cves">
                  {hostCves(host).map((cve) => (
                    <li key={cve.cve} data-cve={cve.cve} className="host-cve">
                      <SeverityBadge severity={cve.severity} score={cve.cvssScore} />{' '}
                      <a className="mono" href={routeHref({ screen: 'threat', cve: cve.cve })}>
                        {cve.cve}
                      </a>{' '}
                      <HostCveTriageControl
                        address={host.address}
                        cve={cve.cve}
                        current={host.cveTriage?.[cve.cve]}
                      />
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
          <div className="card table-wrap" tabIndex={0} role="region" aria-label="Open ports">
            <h2>Open ports ({host.ports.length})</h2>
            <table data-testid="host-ports">
              <thead>
                <tr>
                  <th scope="col">Port</th>
                  <th scope="col">Service</th>
                  <th scope="col">Product and version</th>
                  <th scope="col">Banner</th>
                  <th scope="col">CVEs</th>
                  <th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {host.ports.map((port) => (
                  <tr key={port.port} data-port={port.port}>
                    <td className="mono">{port.port}</td>
                    <td>{port.service ?? '—'}</td>
                    <td>{describeService(port)}</td>
                    <td className="mono banner" data-testid="port-banner">
                      {port.banner ?? '—'}
                    </td>
                    <td>
                      {port.cves.map((cve) => (
                        <a
                          key={cve.cve}
                          className="mono"
                          href={routeHref({ screen: 'threat', cve: cve.cve })}
                          style={{ marginRight: 6 }}
                        >
                          {cve.cve}
                        </a>
                      ))}
                    </td>
                    <td className="nowrap">{formatDateTime(port.lastSeen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="card">
            <h2>Campaigns that saw it</h2>
            <ul className="plain-list" data-testid="host-campaigns">
              {host.campaigns.map((campaign) => (
                <li key={campaign.campaignId}>
                  <a href={routeHref({ screen: 'campaign', campaignId: campaign.campaignId })}>
                    {campaignNames.get(campaign.campaignId) ?? campaign.campaignId}
                  </a>{' '}
                  <span className="muted">{formatDateTime(campaign.lastSeen)}</span>
                </li>
              ))}
            </ul>
          </div>
        </>
      )}
    </section>
  );
}

/**
 * The verdict on this CVE for this host only (a false positive here may be
 * confirmed elsewhere); the threat page keeps the verdict for all hosts.
 */
function HostCveTriageControl(props: { address: string; cve: string; current?: HostCveTriage }) {
  const triage = useTriageHostCve(props.address);
  const actionsAllowed = useActionsAllowed();
  const [state, setState] = useState<TriageState | ''>(props.current?.state ?? '');
  const id = `host-triage-${props.cve}`;
  return (
    <span className="host-cve-triage" data-testid="host-cve-triage">
      {props.current ? (
        <span data-testid="host-cve-triage-state" title={props.current.note ?? ''}>
          <TriageBadge state={props.current.state} /> on this host
          {props.current.actor ? ` by ${props.current.actor}` : ''}
        </span>
      ) : null}
      <label htmlFor={id} className="visually-hidden">
        Triage of {props.cve} on {props.address}
      </label>
      <select
        id={id}
        value={state}
        data-testid="host-cve-triage-select"
        onChange={(event) => setState(event.target.value as TriageState | '')}
      >
        <option value="">on this host…</option>
        {TriageState.options.map((option) => (
          <option key={option} value={option}>
            {TRIAGE_LABEL[option]}
          </option>
        ))}
      </select>
      <button
        type="button"
        data-testid="host-cve-triage-save"
        disabled={
          state === '' || state === props.current?.state || triage.isPending || !actionsAllowed
        }
        onClick={() => state !== '' && triage.mutate({ cve: props.cve, state })}
      >
        Save
      </button>
      {triage.isError ? (
        <span className="notice error" role="alert">
          {describeBackendError(triage.error)}
        </span>
      ) : null}
    </span>
  );
}
