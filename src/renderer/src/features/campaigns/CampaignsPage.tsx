import { useCallback } from 'react';
import { CampaignStateBadge, ProgressBar, SeverityCountChips } from '../../components/badges';
import { elapsedMs, formatDateTime, formatDuration } from '../../lib/format';
import { useNow, usePolling } from '../../lib/hooks';
import { routeHref } from '../../lib/route';
import { useAppStore } from '../../store/app-store';
import { ImportDialog } from '../interop/ImportDialog';

const LIST_POLL_MS = 3000;

export function CampaignsPage() {
  const list = useAppStore((state) => state.campaignList);
  const loadCampaigns = useAppStore((state) => state.loadCampaigns);
  const now = useNow(1000);
  usePolling(
    useCallback(async () => {
      await loadCampaigns();
      return true;
    }, [loadCampaigns]),
    'campaign-list',
    { intervalMs: LIST_POLL_MS },
  );

  return (
    <section className="page" data-testid="campaigns-page" aria-labelledby="campaigns-title">
      <div className="page-header">
        <h1 id="campaigns-title">Campaigns</h1>
        <span className="muted">{list.value.length} total</span>
        <span className="spacer" />
        <ImportDialog />
        <a
          className="button primary"
          href={routeHref({ screen: 'new-campaign' })}
          data-testid="new-campaign"
        >
          New campaign
        </a>
      </div>
      {list.status === 'error' ? (
        <p className="notice error" role="alert">
          Could not load campaigns: {list.error}
        </p>
      ) : null}
      <div className="card table-wrap">
        <table data-testid="campaign-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scope</th>
              <th>State</th>
              <th>Progress</th>
              <th>Started</th>
              <th className="num">Duration</th>
              <th>Findings (C/H/M/L)</th>
            </tr>
          </thead>
          <tbody>
            {list.value.map((campaign) => {
              const { totals } = campaign;
              const finished = campaign.finishedAt !== undefined;
              return (
                <tr
                  key={campaign.campaignId}
                  data-testid="campaign-row"
                  data-campaign-id={campaign.campaignId}
                >
                  <td>
                    <a href={routeHref({ screen: 'campaign', campaignId: campaign.campaignId })}>
                      {campaign.name}
                    </a>
                    <div className="muted mono">{campaign.campaignId}</div>
                  </td>
                  <td className="mono">{campaign.scope}</td>
                  <td>
                    <CampaignStateBadge state={campaign.state} />
                  </td>
                  <td>
                    <ProgressBar
                      done={totals.targetsDone}
                      total={totals.targets}
                      label={`${campaign.name} progress`}
                    />
                    <div className="muted nowrap">
                      {totals.targetsDone} / {totals.targets} hosts · {totals.openPorts} open ports
                    </div>
                  </td>
                  <td className="nowrap">{formatDateTime(campaign.createdAt)}</td>
                  <td className="num nowrap">
                    {formatDuration(elapsedMs(campaign.createdAt, campaign.finishedAt, now))}
                    {finished ? '' : ' …'}
                  </td>
                  <td>
                    <SeverityCountChips counts={totals.findings} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {list.value.length === 0 && list.status !== 'loading' && list.status !== 'idle' ? (
          <p className="empty">
            No campaigns yet. <a href={routeHref({ screen: 'new-campaign' })}>Start one</a>.
          </p>
        ) : null}
      </div>
    </section>
  );
}
