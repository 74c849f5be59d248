import { forTerminal, jsonForTerminal } from '../terminal-text.js';
import {
  diffCampaigns,
  formatDiffText,
  formatDiffXml,
} from '../../services/interop/campaign-diff.js';
import { readCampaignExportSources } from '../../services/interop/export-sources.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { withHost } from '../host-connection.js';

/** ndiff's exit codes: 0 the same, 1 different, 2 an error. */
export const diffCommand: Command = {
  name: 'diff',
  usage: 'spectra diff A B [--json|--xml]',
  options: { json: { type: 'boolean' }, xml: { type: 'boolean' } },
  positionals: ['A', 'B'],
  async run(parsed) {
    try {
      const [first, second] = parsed.positionals;
      if (!first || !second)
        throw new CliError('diff: two campaign ids are required (spectra diff A B)');
      if (parsed.values.json && parsed.values.xml)
        throw new CliError('diff: --json and --xml exclude each other');
      const [before, after] = await withHost(resolveDataDir(parsed), ({ ingress }) =>
        Promise.all([
          readCampaignExportSources(ingress, first),
          readCampaignExportSources(ingress, second),
        ]),
      );
      if (!before) throw new CliError(`no campaign "${first}" (see spectra campaigns)`);
      if (!after) throw new CliError(`no campaign "${second}" (see spectra campaigns)`);
      const diff = diffCampaigns(before, after);
      process.stdout.write(
        parsed.values.json
          ? jsonForTerminal(diff) + '\n'
          : parsed.values.xml
            ? formatDiffXml(diff)
            : // Service names and versions came from the scanned hosts.
              formatDiffText(diff).split('\n').map(forTerminal).join('\n'),
      );
      return diff.same ? 0 : 1;
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error), 2);
    }
  },
};
