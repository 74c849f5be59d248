import { isRunningListing, withLiveProgress } from '../../shared/campaign-listing-view.js';
import { followCampaign, readCampaignReport } from '../campaign-follow.js';
import { spectraClients } from '../../clients/service-clients.js';
import { requiredPositional, type Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { withHost } from '../host-connection.js';
import { formatCampaignSummary, formatSeverityCounts } from '../progress-display.js';
import { forTerminal, jsonForTerminal } from '../terminal-text.js';

export const campaignsCommand: Command = {
  name: 'campaigns',
  usage: 'spectra campaigns [--json]',
  options: { json: { type: 'boolean' } },
  async run(parsed) {
    const listings = await withHost(resolveDataDir(parsed), async ({ ingress }) => {
      const services = spectraClients(ingress);
      const listed = await services.campaignIndex().list();
      // Running campaigns: the index has their start, the workflow their live totals.
      return Promise.all(
        listed.map(async (listing) =>
          isRunningListing(listing)
            ? withLiveProgress(
                listing,
                await Promise.resolve(
                  services.campaignWorkflow(listing.campaignId).progress(),
                ).catch(() => null),
              )
            : listing,
        ),
      );
    });
    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal(listings) + '\n');
      return;
    }
    if (listings.length === 0)
      process.stdout.write('No campaigns yet (start one with spectra scan).\n');
    for (const listing of listings) {
      process.stdout.write(
        `${listing.campaignId}  ${listing.state.padEnd(11)} ${listing.createdAt}  ${listing.totals.targetsDone}/${listing.totals.targets} targets  ${formatSeverityCounts(listing.totals.findings)}  "${forTerminal(listing.name)}" scope ${forTerminal(listing.scope)}\n`,
      );
    }
  },
};

export const campaignCommand: Command = {
  name: 'campaign',
  usage: 'spectra campaign ID [--json]',
  options: { json: { type: 'boolean' } },
  positionals: ['ID'],
  async run(parsed) {
    const campaignId = requiredPositional(parsed.positionals, 'campaign', 'ID');
    const report = await withHost(resolveDataDir(parsed), ({ ingress }) =>
      readCampaignReport(ingress, campaignId),
    );
    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal(report) + '\n');
      return;
    }
    process.stdout.write(formatCampaignSummary(report) + '\n');
    for (const host of report.hosts) {
      for (const port of host.ports) {
        process.stdout.write(
          `  ${forTerminal(host.host)}:${port.port} ${forTerminal(port.service ?? '?')} ${forTerminal([port.product, port.version].filter(Boolean).join(' '))}${port.cves.length ? ` -> ${forTerminal(port.cves.join(', '))}` : ''}\n`,
        );
      }
    }
    for (const entry of report.audit) {
      process.stdout.write(
        `  audit ${entry.at} ${entry.event}${entry.actor ? ` by ${forTerminal(entry.actor)}` : ''}${entry.detail ? `: ${forTerminal(entry.detail)}` : ''}\n`,
      );
    }
  },
};

export const attachCommand: Command = {
  name: 'attach',
  usage: 'spectra attach ID [--json]',
  options: { json: { type: 'boolean' } },
  positionals: ['ID'],
  async run(parsed) {
    const campaignId = requiredPositional(parsed.positionals, 'attach', 'ID');
    const report = await withHost(resolveDataDir(parsed), ({ ingress }) =>
      followCampaign(ingress, campaignId, { quiet: Boolean(parsed.values.json) }),
    );
    process.stdout.write(
      parsed.values.json ? jsonForTerminal(report) + '\n' : formatCampaignSummary(report) + '\n',
    );
    return report.state === 'completed' ? 0 : 1;
  },
};
