import { useEffect, useState } from 'react';
import type { CampaignListing } from '../../../../shared/campaign';
import type { CampaignDiff } from '../../../../shared/interop';
import { describeBackendError } from '../../backend/spectra-backend';
import { routeHref } from '../../lib/route';
import { useCampaignList } from '../../queries/campaign-queries';
import { fetchDiff } from './interop-client';

/** Earlier finished campaigns of the same scope, newest first: what a campaign is compared with. */
export function previousCampaigns(
  listings: readonly CampaignListing[],
  campaignId: string,
): CampaignListing[] {
  const current = listings.find((listing) => listing.campaignId === campaignId);
  if (!current) return [];
  return listings
    .filter(
      (listing) =>
        listing.campaignId !== campaignId &&
        listing.scope === current.scope &&
        listing.state === 'completed' &&
        listing.createdAt < current.createdAt,
    )
    .sort((left, right) => right.createdAt.localeCompare(left.createdAt));
}

/** "Compared with" the previous campaign of the same scope (or one the analyst picks). */
export function ComparedWith(props: { campaignId: string }) {
  // The campaign list the app already polls; the newest earlier campaign is the default.
  const candidates = previousCampaigns(useCampaignList().data ?? [], props.campaignId);
  const [picked, setChosen] = useState<string | undefined>();
  const chosen = picked ?? candidates[0]?.campaignId;
  const [diff, setDiff] = useState<CampaignDiff | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (!chosen) return;
    let live = true;
    setDiff(undefined);
    fetchDiff(chosen, props.campaignId)
      .then((result) => live && setDiff(result))
      .catch((failure: unknown) => live && setError(describeBackendError(failure)));
    return () => {
      live = false;
    };
  }, [chosen, props.campaignId]);

  if (candidates.length === 0 && !error) return null;
  return (
    <section className="panel" aria-labelledby="compared-title" data-testid="compared-with">
      <h2 id="compared-title">
        Compared with{' '}
        <select
          value={chosen}
          aria-label="Earlier campaign"
          onChange={(event) => setChosen(event.target.value)}
        >
          {candidates.map((listing) => (
            <option key={listing.campaignId} value={listing.campaignId}>
              {listing.name} ({listing.createdAt})
            </option>
          ))}
        </select>
      </h2>
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {diff ? (
        diff.same ? (
          <p data-testid="diff-same">No differences in hosts, ports, services or CVEs.</p>
        ) : (
          <ul data-testid="diff-changes">
            {diff.hostsUp.map((host) => (
              <li key={`up ${host}`}>+ {host} is up</li>
            ))}
            {diff.hostsDown.map((host) => (
              <li key={`down ${host}`}>− {host} is no longer up</li>
            ))}
            {diff.ports.map((change) => (
              <li key={`${change.host}:${change.port}`}>
                {change.change === 'opened' ? '+' : change.change === 'closed' ? '−' : '~'}{' '}
                {change.host}:{change.port}/tcp {change.change}
                {change.before ? ` (was ${change.before})` : ''}
                {change.after ? ` (now ${change.after})` : ''}
              </li>
            ))}
            {diff.cves.map((change) => (
              <li key={`${change.host}:${change.port} ${change.cve}`}>
                {change.change === 'new' ? '+' : '−'}{' '}
                <a href={routeHref({ screen: 'threat', cve: change.cve })}>{change.cve}</a> on{' '}
                {change.host}:{change.port} {change.change}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
