import {
  ApprovalBanner,
  ApprovalNavCount,
  useApprovalsWatcher,
} from './features/approvals/ApprovalBanner';
import { ApprovalsPage } from './features/approvals/ApprovalsPage';
import { CampaignDetailPage } from './features/campaigns/CampaignDetailPage';
import { CampaignsPage } from './features/campaigns/CampaignsPage';
import { NewCampaignPage } from './features/campaigns/NewCampaignPage';
import { OperationsPage } from './features/operations/OperationsPage';
import { ThreatDetailPage } from './features/threats/ThreatDetailPage';
import { SchedulesPage } from './features/schedules/SchedulesPage';
import { ThreatsPage } from './features/threats/ThreatsPage';
import { KeyboardShortcuts } from './components/KeyboardShortcuts';
import { ConnectionBanner } from './features/connection/ConnectionBanner';
import { useActionsAllowed } from './features/connection/connection-context';
import { HostDetailPage } from './features/hosts/HostDetailPage';
import { HostsPage } from './features/hosts/HostsPage';
import { useRoute } from './lib/hooks';
import { useFocusOnScreenChange } from './lib/focus-on-navigation';
import { useRef } from 'react';
import { routeHref, sectionOf, type Route, type Section } from './lib/route';

const NAVIGATION: Array<{ section: Section; label: string; route: Route }> = [
  { section: 'campaigns', label: 'Campaigns', route: { screen: 'campaigns' } },
  { section: 'hosts', label: 'Hosts', route: { screen: 'hosts' } },
  { section: 'threats', label: 'Threats', route: { screen: 'threats' } },
  { section: 'schedules', label: 'Schedules', route: { screen: 'schedules' } },
  { section: 'approvals', label: 'Approvals', route: { screen: 'approvals' } },
  { section: 'operations', label: 'Operations', route: { screen: 'operations' } },
];

function Screen(props: { route: Route }) {
  const { route } = props;
  switch (route.screen) {
    case 'campaigns':
      return <CampaignsPage />;
    case 'new-campaign':
      return <NewCampaignPage />;
    case 'campaign':
      return <CampaignDetailPage key={route.campaignId} campaignId={route.campaignId} />;
    case 'threats':
      return <ThreatsPage />;
    case 'threat':
      return <ThreatDetailPage key={route.cve} cve={route.cve} />;
    case 'hosts':
      return <HostsPage />;
    case 'host':
      return <HostDetailPage key={route.address} address={route.address} />;
    case 'operations':
      return <OperationsPage />;
    case 'approvals':
      return <ApprovalsPage />;
    case 'schedules':
      return <SchedulesPage />;
  }
}

export function App() {
  const route = useRoute();
  const section = sectionOf(route);
  useApprovalsWatcher();
  const actionsAllowed = useActionsAllowed();
  const main = useRef<HTMLElement>(null);
  // The path without filters names the screen: typing in a search box never moves focus.
  useFocusOnScreenChange(routeHref(route), main);
  return (
    <div className="app" data-testid="app-ready">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="10" fill="none" stroke="var(--accent)" strokeWidth="2" />
            <circle cx="12" cy="12" r="5" fill="none" stroke="var(--accent)" strokeWidth="2" />
            <circle cx="12" cy="12" r="1.6" fill="var(--accent)" />
          </svg>
          Spectra-Red
        </div>
        {NAVIGATION.map((item) => (
          <a
            key={item.section}
            className="nav-link"
            href={routeHref(item.route)}
            aria-current={section === item.section ? 'page' : undefined}
            data-testid={`nav-${item.section}`}
          >
            <span>{item.label}</span>
            {item.section === 'approvals' ? <ApprovalNavCount /> : null}
          </a>
        ))}
        <div className="sidebar-footer">
          Loopback lab workbench · press <kbd>?</kbd> for shortcuts
        </div>
      </nav>
      <KeyboardShortcuts />
      <div className="main" data-stale={!actionsAllowed}>
        <ConnectionBanner />
        <ApprovalBanner />
        <main
          id="main"
          ref={main}
          tabIndex={-1}
          style={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }}
        >
          <Screen route={route} />
        </main>
      </div>
    </div>
  );
}
