import { existsSync } from 'node:fs';
import { dataDirLayout } from '../../main/host/data-dir.js';
import type { FeedImportSummary } from '../../shared/vulnerability.js';
import { CliError } from '../cli-error.js';
import { stringOption, type Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { probeWritable } from '../../main/host/disk-fault.js';
import { forTerminal, jsonForTerminal } from '../terminal-text.js';

const SUBCOMMANDS = ['import', 'list', 'remove'] as const;

/**
 * Vulnerability feeds imported into the data dir's knowledge folder. Works on
 * files only (no host needed): a running host's Scanner reloads its knowledge
 * when the imports folder changes.
 */
export const feedsCommand: Command = {
  name: 'feeds',
  usage: `spectra feeds import FILE [--name NAME] [--json]
       spectra feeds list [--json]
       spectra feeds remove NAME

  import   validate and convert FILE (plain or .gz; the kind is read from its contents):
           NVD CVE JSON 2.0 (any vendor:product), FIRST EPSS CSV (named epss),
           CISA KEV catalog JSON (named kev); a refused file changes nothing
           (afterwards, spectra rematch matches existing campaigns again)
  list     imported feeds, oldest first (later imports win for the same CVE and product)
  remove   delete one import by name`,
  options: { name: { type: 'string' }, json: { type: 'boolean' } },
  positionals: ['SUBCOMMAND', 'ARG'],
  async run(parsed) {
    // The feed readers load with this command only, not with every command.
    const [{ importFeedFile, KnowledgeBaseError, listImports }, { FeedImportError }] =
      await Promise.all([
        import('../../services/vulnerabilities/knowledge-base.js'),
        import('../../services/vulnerabilities/nvd-feed-import.js'),
      ]);
    const [subcommand, argument] = parsed.positionals;
    if (!subcommand || !(SUBCOMMANDS as readonly string[]).includes(subcommand)) {
      throw new CliError(
        `feeds: expected a subcommand: ${SUBCOMMANDS.join(', ')} (see spectra feeds --help)`,
        2,
      );
    }
    if (subcommand !== 'import' && stringOption(parsed, 'name') !== undefined)
      throw new CliError(`feeds ${subcommand}: --name only applies to feeds import`, 2);
    const knowledgeDir = dataDirLayout(resolveDataDir(parsed)).knowledgeDir;
    const json = Boolean(parsed.values.json);

    if (subcommand === 'list') {
      if (argument !== undefined)
        throw new CliError(`feeds list: unexpected argument "${argument}"`, 2);
      const imports = await listImports(knowledgeDir);
      if (json) {
        process.stdout.write(jsonForTerminal(imports) + '\n');
        return;
      }
      if (imports.length === 0)
        process.stdout.write('No feeds imported (spectra feeds import FILE).\n');
      for (const entry of imports) {
        process.stdout.write(
          'summary' in entry
            ? `${forTerminal(entry.name).padEnd(24)} ${entry.summary.importedAt}  ${describeContents(entry.summary)}  ${forTerminal(entry.summary.sourceFile)}\n`
            : `${forTerminal(entry.name).padEnd(24)} UNREADABLE (left out of matching): ${forTerminal(entry.error)}\n`,
        );
      }
      return;
    }

    if (!argument) {
      throw new CliError(
        `feeds ${subcommand}: ${subcommand === 'import' ? 'FILE' : 'NAME'} is required`,
        2,
      );
    }
    if (json && subcommand === 'remove')
      throw new CliError('feeds remove: --json is not supported', 2);

    // Imports and removals write to the data dir: a read-only or full one is said up front, in one line.
    const dataDir = resolveDataDir(parsed);
    const fault = existsSync(dataDir) ? probeWritable(dataDir) : undefined;
    if (fault) throw new CliError(`feeds ${subcommand}: ${fault.message}`);

    if (subcommand === 'remove') {
      const removed = await removeOrExplain(knowledgeDir, argument);
      if (!removed)
        throw new CliError(`feeds remove: no import named "${argument}" (see spectra feeds list)`);
      process.stdout.write(`removed ${forTerminal(argument)}\n`);
      return;
    }

    let summary: FeedImportSummary;
    try {
      summary = await importFeedFile(argument, knowledgeDir, {
        name: stringOption(parsed, 'name'),
      });
    } catch (error) {
      if (error instanceof FeedImportError || error instanceof KnowledgeBaseError) {
        throw new CliError(`feeds import: ${argument}: ${error.message} (nothing was imported)`);
      }
      throw error;
    }
    if (json) {
      process.stdout.write(jsonForTerminal(summary) + '\n');
      return;
    }
    process.stdout.write(formatImportSummary(summary) + '\n');
  },
};

async function removeOrExplain(knowledgeDir: string, name: string): Promise<boolean> {
  const { KnowledgeBaseError, removeImport } = await import(
    '../../services/vulnerabilities/knowledge-base.js'
  );
  try {
    return await removeImport(knowledgeDir, name);
  } catch (error) {
    if (error instanceof KnowledgeBaseError)
      throw new CliError(`feeds remove: ${error.message}`, 2);
    throw error;
  }
}

/** What an import holds, in a few words for each kind. */
function describeContents(summary: FeedImportSummary): string {
  if (summary.kind === 'epss') {
    return `EPSS scores of ${summary.cves} CVEs${summary.epss?.scoreDate ? ` (${summary.epss.scoreDate})` : ''}`;
  }
  if (summary.kind === 'kev') {
    return `KEV catalog ${summary.kev?.catalogVersion ?? ''}: ${summary.cves} known exploited CVEs`;
  }
  return `${summary.rulesAdded} rules from ${summary.cvesWithRules}/${summary.cves} CVEs`;
}

export function formatImportSummary(summary: FeedImportSummary): string {
  if (summary.unchanged)
    return `${forTerminal(summary.name)}: already imported from the same file (${describeContents(summary)}), nothing changed`;
  if (summary.kind !== 'nvd-cve')
    return `imported ${forTerminal(summary.name)}: ${describeContents(summary)}`;
  const skipped = Object.entries(summary.skippedByReason)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${count} ${reason}`)
    .join(', ');
  const products = Object.entries(summary.byProduct)
    .map(([product, count]) => `${forTerminal(product)} ${count}`)
    .join(', ');
  return [
    `imported ${forTerminal(summary.name)}: ${summary.rulesAdded} rules from ${summary.cvesWithRules} of ${summary.cves} CVEs${summary.products ? ` for ${summary.products} products` : ''}`,
    ...(products ? [`  most rules: ${products}`] : []),
    ...(summary.skipped ? [`  skipped ${summary.skipped} CVEs: ${skipped}`] : []),
  ].join('\n');
}
