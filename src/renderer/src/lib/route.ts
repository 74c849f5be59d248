/** The app's screens, addressed by the URL hash so a reload lands on the same one. */
export type Route =
  | { screen: 'campaigns' }
  | { screen: 'new-campaign' }
  | { screen: 'campaign'; campaignId: string }
  | { screen: 'threats' }
  | { screen: 'threat'; cve: string }
  | { screen: 'hosts' }
  | { screen: 'host'; address: string }
  | { screen: 'operations' }
  | { screen: 'approvals' }
  | { screen: 'schedules' };

export type Section = 'campaigns' | 'hosts' | 'threats' | 'operations' | 'approvals' | 'schedules';

/** The filters part of a hash (`#/threats?severity=critical`): what a reload keeps. */
export function routeSearch(hash: string): URLSearchParams {
  const index = hash.indexOf('?');
  return new URLSearchParams(index < 0 ? '' : hash.slice(index + 1));
}

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .replace(/\?.*$/, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const [first, second] = parts;
  if (first === 'campaigns') {
    if (second === 'new') return { screen: 'new-campaign' };
    if (second) return { screen: 'campaign', campaignId: second };
    return { screen: 'campaigns' };
  }
  if (first === 'threats')
    return second ? { screen: 'threat', cve: second } : { screen: 'threats' };
  if (first === 'hosts') return second ? { screen: 'host', address: second } : { screen: 'hosts' };
  if (first === 'operations') return { screen: 'operations' };
  if (first === 'approvals') return { screen: 'approvals' };
  if (first === 'schedules') return { screen: 'schedules' };
  return { screen: 'campaigns' };
}

export function routeHref(route: Route): string {
  switch (route.screen) {
    case 'campaigns':
      return '#/campaigns';
    case 'new-campaign':
      return '#/campaigns/new';
    case 'campaign':
      return `#/campaigns/${encodeURIComponent(route.campaignId)}`;
    case 'threats':
      return '#/threats';
    case 'threat':
      return `#/threats/${encodeURIComponent(route.cve)}`;
    case 'hosts':
      return '#/hosts';
    case 'host':
      return `#/hosts/${encodeURIComponent(route.address)}`;
    case 'operations':
      return '#/operations';
    case 'approvals':
      return '#/approvals';
    case 'schedules':
      return '#/schedules';
  }
}

export function sectionOf(route: Route): Section {
  switch (route.screen) {
    case 'threats':
    case 'threat':
      return 'threats';
    case 'hosts':
    case 'host':
      return 'hosts';
    case 'operations':
      return 'operations';
    case 'approvals':
      return 'approvals';
    case 'schedules':
      return 'schedules';
    default:
      return 'campaigns';
  }
}
