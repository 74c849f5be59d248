import { writeFileSync } from 'node:fs';
import {
  CAMPAIGN_EXPORT_FORMATS,
  CampaignExportFormat,
  THREAT_EXPORT_FORMATS,
  ThreatExportFormat,
} from '../../shared/interop.js';
import type { ThreatFilter } from '../../shared/threat.js';
import {
  readAllThreatRecords,
  readCampaignExportSources,
} from '../../services/interop/export-sources.js';
import { APP_VERSION } from '../app-version.js';
import { CliError } from '../cli-error.js';
import { requiredPositional, stringOption, type ParsedCommand, type Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { withHost } from '../host-connection.js';

/** Writes to --output FILE (created with mode 0600: findings are sensitive) or stdout. */
export function writeExport(parsed: ParsedCommand, text: string): void {
  const output = stringOption(parsed, 'output');
  if (output === undefined || output === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(output, text, { mode: 0o600 });
  } catch (error) {
    throw new CliError(
      `cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  process.stderr.write(`wrote ${output} (${Buffer.byteLength(text)} bytes)\n`);
}

export function formatOption<T extends string>(
  parsed: ParsedCommand,
  command: string,
  allowed: readonly T[],
): T {
  const format = stringOption(parsed, 'format');
  if (format === undefined || !(allowed as readonly string[]).includes(format))
    throw new CliError(
      `${command}: --format ${format === undefined ? 'is required' : `"${format}" is not supported`}: expected one of ${allowed.join(', ')}`,
      2,
    );
  return format as T;
}

export const exportCommand: Command = {
  name: 'export',
  usage: `spectra export ID --format ${CAMPAIGN_EXPORT_FORMATS.join('|')} [--output FILE]

  xml         nmap-compatible XML (nmap.dtd): ndiff, Zenmap, Metasploit db_import, DefectDojo
  csv         one row per finding; formula-like cells neutralised
  jsonl       one finding per line, with a schemaVersion field
  defectdojo  DefectDojo Generic Findings Import JSON
  sarif       SARIF 2.1.0
  html        one self-contained offline report (no script, no external request)`,
  options: { format: { type: 'string' }, output: { type: 'string', short: 'o' } },
  positionals: ['ID'],
  async run(parsed) {
    const campaignId = requiredPositional(parsed.positionals, 'export', 'ID');
    const format = CampaignExportFormat.parse(
      formatOption(parsed, 'export', CAMPAIGN_EXPORT_FORMATS),
    );
    const sources = await withHost(resolveDataDir(parsed), ({ ingress }) =>
      readCampaignExportSources(ingress, campaignId),
    );
    if (!sources) throw new CliError(`no campaign "${campaignId}" (see spectra campaigns)`);
    const { exportCampaign } = await loadExporters();
    writeExport(
      parsed,
      exportCampaign(format, sources.report, sources.records, {
        hostSummaries: sources.hostSummaries,
        generatedAt: new Date().toISOString(),
        toolVersion: APP_VERSION,
      }),
    );
  },
};

/** `spectra threats --format F`: the threat list command hands over to this when --format is given. */
export async function exportThreatList(parsed: ParsedCommand, filter: ThreatFilter): Promise<void> {
  const format = ThreatExportFormat.parse(formatOption(parsed, 'threats', THREAT_EXPORT_FORMATS));
  const records = await withHost(resolveDataDir(parsed), ({ ingress }) =>
    readAllThreatRecords(ingress, filter),
  );
  const { exportThreats } = await loadExporters();
  writeExport(parsed, exportThreats(format, records, { toolVersion: APP_VERSION }));
}

/** The exporters (the HTML report brings React): loaded by the commands that export, not by every command. */
function loadExporters() {
  return import('../../services/interop/campaign-export.js');
}
