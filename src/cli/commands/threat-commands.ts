import { Severity } from '../../shared/vulnerability.js';
import { spectraClients } from '../../clients/service-clients.js';
import {
  ThreatSort,
  TriageState,
  type ThreatRecord,
  type ThreatSummary,
} from '../../shared/threat.js';
import { CliError } from '../cli-error.js';
import { cveArgument, stringOption, type Command, type ParsedCommand } from '../command.js';
import { parseDuration } from '../../shared/approval.js';
import { resolveDataDir } from '../data-dir-option.js';
import { describeIngressError, withHost } from '../host-connection.js';
import { forTerminal, jsonForTerminal } from '../terminal-text.js';
import { exportThreatList } from './export-commands.js';
import { namesHosts } from '../../shared/host-search.js';
import { cvesOnHosts } from './host-commands.js';

export const threatsCommand: Command = {
  name: 'threats',
  usage: `spectra threats [--severity critical,high] [--state new,confirmed] [--search TEXT]
                 [--kev] [--min-epss 0.5] [--sort rank|epss|cvss|last-seen] [--json]
       spectra threats --format csv|jsonl|defectdojo|sarif [--output FILE] [filters]

--kev        only CVEs in CISA's Known Exploited Vulnerabilities catalog
--min-epss   only CVEs whose FIRST EPSS score is at least this (0 to 1)
             (import the KEV catalog and EPSS scores with spectra feeds import FILE)
--search     text, or hosts: an address, a network (127.10.0.0/24) or port:N lists their CVEs`,
  options: {
    severity: { type: 'string' },
    state: { type: 'string' },
    search: { type: 'string' },
    kev: { type: 'boolean' },
    'min-epss': { type: 'string' },
    sort: { type: 'string' },
    json: { type: 'boolean' },
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
  },
  async run(parsed) {
    const severity = listOption(stringOption(parsed, 'severity'), Severity.options, 'severity');
    const triageState = listOption(stringOption(parsed, 'state'), TriageState.options, 'state');
    const search = stringOption(parsed, 'search');
    const minEpssText = stringOption(parsed, 'min-epss');
    const minEpss = minEpssText === undefined ? undefined : Number(minEpssText);
    if (minEpss !== undefined && (!/^\d*\.?\d+$/.test(minEpssText!) || minEpss > 1)) {
      throw new CliError(
        `--min-epss "${forTerminal(minEpssText!)}": expected a probability from 0 to 1, e.g. 0.5`,
        2,
      );
    }
    const sortText = stringOption(parsed, 'sort');
    const sort = sortText === undefined ? undefined : ThreatSort.safeParse(sortText).data;
    if (sortText !== undefined && !sort) {
      throw new CliError(
        `--sort "${forTerminal(sortText)}": expected one of ${ThreatSort.options.join(', ')}`,
        2,
      );
    }
    const filter = {
      severity,
      triageState,
      ...(parsed.values.kev && { kev: true }),
      ...(minEpss !== undefined && { minEpss }),
      ...(sort && { sort }),
    };
    if (stringOption(parsed, 'format') !== undefined)
      return exportThreatList(parsed, { ...filter, text: search });
    const rows = await withHost(resolveDataDir(parsed), async (connection) => {
      const threats = spectraClients(connection.ingress).threatIndex();
      // A search naming hosts (address, network, port:N) lists the CVEs on those hosts.
      if (search && namesHosts(search)) {
        const onHosts = await cvesOnHosts(connection, search);
        return (await threats.list(filter)).filter((row) => onHosts.has(row.cve));
      }
      return threats.list({ ...filter, text: search });
    });
    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal(rows) + '\n');
      return;
    }
    if (rows.length === 0) process.stdout.write('No threat records match.\n');
    for (const row of rows) {
      process.stdout.write(
        `${forTerminal(row.cve).padEnd(16)} ${row.severity.padEnd(8)} ${row.cvssScore.toFixed(1)}  ${exploitationColumns(row)}  ${row.triageState.padEnd(14)} ${forTerminal(row.product).padEnd(13)} ${row.affectedHosts} host(s)  last seen ${row.lastSeen}  ${forTerminal(row.summary)}\n`,
      );
    }
  },
};

export const threatCommand: Command = {
  name: 'threat',
  usage: 'spectra threat CVE-ID [--json]',
  options: { json: { type: 'boolean' } },
  positionals: ['CVE-ID'],
  async run(parsed) {
    const cve = cveArgument(parsed.positionals, 'threat');
    const record = await withHost(resolveDataDir(parsed), ({ ingress }) =>
      spectraClients(ingress).threatIntel(cve).get(),
    );
    if (!record) throw new CliError(`no threat record for ${cve} (no campaign has seen it)`);
    process.stdout.write(
      parsed.values.json ? jsonForTerminal(record) + '\n' : formatThreat(record) + '\n',
    );
  },
};

export const triageCommand: Command = {
  name: 'triage',
  usage: `spectra triage CVE-ID --state new|confirmed|false-positive|remediated [--note TEXT] [--by NAME] [--recheck-after 7d]

--recheck-after (with --state remediated): when to re-probe the affected
services (default 7 days); the threat reopens if they are still vulnerable.`,
  options: {
    state: { type: 'string' },
    note: { type: 'string' },
    by: { type: 'string' },
    'recheck-after': { type: 'string' },
  },
  positionals: ['CVE-ID'],
  async run(parsed) {
    const cve = cveArgument(parsed.positionals, 'triage');
    const state = stringOption(parsed, 'state');
    const parsedState = TriageState.safeParse(state);
    if (!parsedState.success) {
      throw new CliError(
        `triage: --state "${state ?? ''}": expected one of ${TriageState.options.join(', ')}`,
        2,
      );
    }
    const record = await withHost(resolveDataDir(parsed), ({ ingress }) =>
      Promise.resolve(
        spectraClients(ingress)
          .threatIntel(cve)
          .triage({
            state: parsedState.data,
            note: stringOption(parsed, 'note'),
            actor: stringOption(parsed, 'by'),
            recheckAfterMs: recheckAfter(parsed, parsedState.data),
          }),
      ).catch((error: unknown) => {
        throw new CliError(`triage: ${describeIngressError(error)}`);
      }),
    );
    process.stdout.write(`${cve} is now ${record.triage.state}\n`);
  },
};

function listOption<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  name: string,
): T[] | undefined {
  if (!value) return undefined;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T))
      throw new CliError(`--${name} "${item}": expected one of ${allowed.join(', ')}`, 2);
  }
  return items as T[];
}

/** `KEV` or blanks, then `EPSS 0.94 (p99)` or blanks: fixed width so the table stays aligned. */
function exploitationColumns(row: Pick<ThreatSummary, 'kev' | 'epss'>): string {
  const kev = row.kev ? 'KEV' : '   ';
  const epss = row.epss
    ? `EPSS ${row.epss.score.toFixed(2)} (p${Math.floor(row.epss.percentile * 100)})`.padEnd(17)
    : ''.padEnd(17);
  return `${kev} ${epss}`;
}

function formatThreat(record: ThreatRecord): string {
  const lines = [
    `${forTerminal(record.cve)}  ${record.severity} (CVSS ${record.cvssVersion ? `v${record.cvssVersion} ` : ''}${record.cvssScore.toFixed(1)} ${forTerminal(record.cvssVector)}${record.cvssSource ? ` by ${forTerminal(record.cvssSource)}` : ''})`,
    ...(record.kev
      ? [
          `  KEV: listed by CISA on ${forTerminal(record.kev.dateAdded)}; known ransomware campaign use: ${forTerminal(record.kev.knownRansomwareCampaignUse)}${record.kev.dueDate ? `; due ${forTerminal(record.kev.dueDate)}` : ''}`,
        ]
      : []),
    ...(record.epss
      ? [
          `  EPSS: ${record.epss.score.toFixed(5)} (percentile ${record.epss.percentile.toFixed(5)}${record.epss.scoreDate ? `, scored ${forTerminal(record.epss.scoreDate)}` : ''})`,
        ]
      : []),
    `  ${forTerminal(record.summary)}`,
    `  product ${forTerminal(record.product)}; first seen ${record.firstSeen}; last seen ${record.lastSeen}; ${record.totalSightings} sightings`,
    `  triage: ${record.triage.state} since ${record.triage.changedAt}`,
    '  affected:',
    ...record.affected.map(
      (service) =>
        `    ${forTerminal(service.host)}:${service.port} ${forTerminal(service.product)} ${forTerminal(service.version)} (first ${service.firstSeen}, last ${service.lastSeen}, ${service.sightings}x)`,
    ),
  ];
  if (record.triage.history.length) {
    lines.push('  triage history:');
    for (const event of record.triage.history) {
      lines.push(
        `    ${event.at} ${event.previousState} -> ${event.state}${event.actor ? ` by ${forTerminal(event.actor)}` : ''}${event.note ? `: ${forTerminal(event.note)}` : ''}`,
      );
    }
  }
  if (record.notes.length) {
    lines.push('  notes:');
    for (const note of record.notes)
      lines.push(
        `    ${note.at}${note.actor ? ` ${forTerminal(note.actor)}` : ''}: ${forTerminal(note.text)}`,
      );
  }
  if (record.archivedUpdates.count)
    lines.push(`  (${record.archivedUpdates.count} older sightings summarised)`);
  return lines.join('\n');
}

function recheckAfter(parsed: ParsedCommand, state: string): number | undefined {
  const text = stringOption(parsed, 'recheck-after');
  if (text === undefined) return undefined;
  if (state !== 'remediated')
    throw new CliError('triage: --recheck-after only applies with --state remediated', 2);
  const milliseconds = parseDuration(text);
  if (milliseconds === undefined || milliseconds < 1000 || milliseconds > 366 * 24 * 3600 * 1000) {
    throw new CliError(
      `triage: --recheck-after "${text}": expected a duration from 1s to 366d, e.g. 30m, 12h, 7d`,
      2,
    );
  }
  return milliseconds;
}
