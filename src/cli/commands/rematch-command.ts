import { forTerminal, jsonForTerminal } from '../terminal-text.js';
import { spectraClients } from '../../clients/service-clients.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { describeIngressError, withHost } from '../host-connection.js';

export const rematchCommand: Command = {
  name: 'rematch',
  usage: `spectra rematch [CAMPAIGN-ID] [--json]

After spectra feeds import, finds the CVEs the new knowledge names on services
campaigns already found (every campaign, or one). Nothing is probed; a service
already recorded for a campaign is not counted twice.`,
  options: { json: { type: 'boolean' } },
  positionals: ['CAMPAIGN-ID'],
  async run(parsed) {
    const [campaignId, extra] = parsed.positionals;
    if (extra !== undefined)
      throw new CliError(`rematch: unexpected argument "${forTerminal(extra)}"`, 2);
    const result = await withHost(resolveDataDir(parsed), ({ ingress }) =>
      Promise.resolve(
        spectraClients(ingress)
          .rematch()
          .run(campaignId ? { campaignId } : {}),
      ).catch((error: unknown) => {
        throw new CliError(`rematch: ${describeIngressError(error)}`);
      }),
    );
    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal(result) + '\n');
      return;
    }
    process.stdout.write(
      `re-matched ${result.services} services of ${result.campaigns} campaign(s): ${result.findings} findings, ${result.cves.length} CVEs${result.cves.length ? ` (${result.cves.slice(0, 10).join(', ')}${result.cves.length > 10 ? ', ...' : ''})` : ''}\n`,
    );
  },
};
