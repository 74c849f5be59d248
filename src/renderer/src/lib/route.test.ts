import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, routeSearch, sectionOf, type Route } from './route';

describe('routes', () => {
  it('round-trips every screen through the URL hash', () => {
    const routes: Route[] = [
      { screen: 'campaigns' },
      { screen: 'new-campaign' },
      { screen: 'campaign', campaignId: 'c-0123456789ab' },
      { screen: 'threats' },
      { screen: 'threat', cve: 'CVE-2021-41773' },
      { screen: 'hosts' },
      { screen: 'host', address: '127.10.0.5' },
      { screen: 'operations' },
      { screen: 'approvals' },
      { screen: 'schedules' },
    ];
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route);
  });

  it('falls back to the campaigns list for unknown or empty hashes', () => {
    expect(parseRoute('')).toEqual({ screen: 'campaigns' });
    expect(parseRoute('#/nowhere')).toEqual({ screen: 'campaigns' });
    expect(parseRoute('#/campaigns/%E0%A4%A')).toEqual({
      screen: 'campaign',
      campaignId: '%E0%A4%A',
    });
  });

  it('maps detail screens to their navigation section', () => {
    expect(sectionOf({ screen: 'threat', cve: 'CVE-1' })).toBe('threats');
    expect(sectionOf({ screen: 'new-campaign' })).toBe('campaigns');
    expect(sectionOf({ screen: 'approvals' })).toBe('approvals');
    expect(sectionOf({ screen: 'schedules' })).toBe('schedules');
  });

  it('keeps filters after a question mark, apart from the screen', () => {
    const href = '#/threats?q=127.10.0.5&severity=critical%2Chigh';
    expect(parseRoute(href)).toEqual({ screen: 'threats' });
    expect(routeSearch(href).get('severity')).toBe('critical,high');
    expect(routeSearch('#/threats').toString()).toBe('');
  });
});
