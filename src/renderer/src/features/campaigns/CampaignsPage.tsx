import { CampaignStateBadge, ProgressBar, SeverityCountChips } from '../../components/badges';
import { LoadError } from '../../components/LoadError';
import { elapsedMs, formatDateTime, formatDuration } from '../../lib/format';
import { usePageTitle, useUrlFilters } from '../../lib/hooks';
import { useLiveNow } from '../connection/connection-context';
import { routeHref } from '../../lib/route';
import { useQueries } from '@tanstack/react-query';
import { CampaignState, type CampaignListing } from '../../../../shared/campaign';
import {
  filterAndSortCampaigns,
  isRunningListing,
  withLiveProgress,
  type CampaignSortColumn,
} from '../../../../shared/campaign-listing-view';
import { useBackend } from '../../queries/backend-context';
import { campaignProgressQuery, useCampaignList } from '../../queries/campaign-queries';
import { useAppStore } from '../../store/app-store';
import { ImportDialog } from '../interop/ImportDialog';

const EMPTY: CampaignListing[] = [];
/** Live progress is polled for at most this many running campaigns at once. */
const MAX_LIVE_ROWS = 25;
const SORTS: Array<{ value: CampaignSortColumn; label: string }> = [
  { value: 'created', label: 'Newest first' },
  { value: 'name', label: 'Name' },
  { value: 'state', label: 'State' },
  { value: 'findings', label: 'Most severe findings' },
];

export function CampaignsPage() {
  const list = useCampaignList();
  const listed = list.data ?? EMPTY;
  // The index is written when a campaign starts and ends: running ones show
  // their workflow's live progress instead (polled until each finishes).
  const running = listed.filter(isRunningListing).slice(0, MAX_LIVE_ROWS);
  const backend = useBackend();
  const progress = useQueries({
    queries: running.map((listing) => campaignProgressQuery(backend, listing.campaignId)),
  });
  const liveById = new Map(
    running.map((listing, index) => [listing.campaignId, progress[index]?.data]),
  );
  const remembered = useAppStore((state) => state.rememberedFilters.campaigns ?? '');
  const rememberFilters = useAppStore((state) => state.rememberFilters);
  const [search, updateSearch] = useUrlFilters(remembered, (text) =>
    rememberFilters('campaigns', text),
  );
  const query = {
    text: search.get('q') ?? '',
    state: search.get('state') ?? '',
    sort: (SORTS.some((sort) => sort.value === search.get('sort'))
      ? search.get('sort')
      : 'created') as CampaignSortColumn,
  };
  const campaigns = filterAndSortCampaigns(
    listed.map((listing) => withLiveProgress(listing, liveById.get(listing.campaignId))),
    query,
  );
  const now = useLiveNow(1000);
  usePageTitle('Campaigns');

  return (
    <section className="page" data-testid="campaigns-page" aria-labelledby="campaigns-title">
      <div className="page-header">
        <h1 id="campaigns-title">Campaigns</h1>
        <span className="muted" data-testid="campaign-count">
          {campaigns.length === listed.length
            ? `${listed.length} total`
            : `${campaigns.length} of ${listed.length}`}
        </span>
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
      <LoadError what="campaigns" query={list} />
      <div className="card filters" role="search" aria-label="Filter campaigns">
        <div className="field" style={{ flex: '1 1 220px' }}>
          <label htmlFor="campaign-search">Search</label>
          <input
            id="campaign-search"
            type="search"
            placeholder="name, id or scope"
            value={query.text}
            data-testid="campaign-search"
            onChange={(event) => updateSearch({ q: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="campaign-state-filter">State</label>
          <select
            id="campaign-state-filter"
            value={query.state}
            data-testid="campaign-state-filter"
            onChange={(event) => updateSearch({ state: event.target.value })}
          >
            <option value="">All</option>
            <option value="running">Not finished</option>
            <option value="finished">Finished</option>
            {CampaignState.options.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="campaign-sort">Sort by</label>
          <select
            id="campaign-sort"
            value={query.sort}
            data-testid="campaign-sort"
            onChange={(event) =>
              updateSearch({ sort: event.target.value === 'created' ? '' : event.target.value })
            }
          >
            {SORTS.map((sort) => (
              <option key={sort.value} value={sort.value}>
                {sort.label}
              </option>
            ))}
          </select>
        </div>
      </div>
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
                    <div className="muted nowrap" data-testid="campaign-row-hosts">
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
          listed.length === 0 ? (
            <p className="empty">
              No campaigns yet. <a href={routeHref({ screen: 'new-campaign' })}>Start one</a>.
            </p>
          ) : (
            <p className="empty">No campaign matches the filters.</p>
          )
        ) : null}
      </div>
    </section>
  );
}
