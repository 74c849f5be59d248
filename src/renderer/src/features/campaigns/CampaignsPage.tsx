import { CampaignStateBadge, ProgressBar, SeverityCountChips } from '../../components/badges';
import { elapsedMs, formatDateTime, formatDuration } from '../../lib/format';
import { usePageTitle } from '../../lib/hooks';
import { useLiveNow } from '../connection/connection-context';
import { routeHref } from '../../lib/route';
import { useCampaignList } from '../../queries/campaign-queries';
import { errorMessage } from '../../queries/parse-backend';

export function CampaignsPage() {
  const list = useCampaignList();
  const campaigns = list.data ?? [];
  const now = useLiveNow(1000);
  usePageTitle('Campaigns');

  return (
    <section className="page" data-testid="campaigns-page" aria-labelledby="campaigns-title">
      <div className="page-header">
        <h1 id="campaigns-title">Campaigns</h1>
        <span className="muted">{campaigns.length} total</span>
        <span className="spacer" />
        <a
          className="button primary"
          href={routeHref({ screen: 'new-campaign' })}
          data-testid="new-campaign"
        >
          New campaign
        </a>
      </div>
      {list.isError ? (
        <p className="notice error" role="alert">
          Could not load campaigns: {errorMessage(list.error)}
        </p>
      ) : null}
      <div className="card table-wrap" tabIndex={0} role="region" aria-label="Campaign list">
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
            {campaigns.map((campaign) => {
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
        {campaigns.length === 0 && list.isSuccess ? (
          <p className="empty">
            No campaigns yet. <a href={routeHref({ screen: 'new-campaign' })}>Start one</a>.
          </p>
        ) : null}
      </div>
    </section>
  );
}
