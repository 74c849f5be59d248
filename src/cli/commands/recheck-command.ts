import type { RecheckResult } from '../../shared/recheck.js';
import { spectraClients } from '../../clients/service-clients.js';
import { CliError } from '../cli-error.js';
import { cveArgument, integerOption, type Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { describeIngressError, withHost } from '../host-connection.js';
import { forTerminal, jsonForTerminal } from '../terminal-text.js';

export const recheckCommand: Command = {
  name: 'recheck',
  usage: `spectra recheck CVE-ID [--timeout MS] [--json]

Probes only the affected hosts and ports with the built-in engine. A remediated
threat still vulnerable goes back to confirmed (or new); otherwise the record
says verified. Exit status 0 either way; read the verdict (or use --json).`,
  options: { timeout: { type: 'string' }, json: { type: 'boolean' } },
  positionals: ['CVE-ID'],
  async run(parsed) {
    const cve = cveArgument(parsed.positionals, 'recheck');
    const connectTimeoutMs = integerOption(parsed, 'timeout', { min: 50, max: 30_000 });
    const result = await withHost(resolveDataDir(parsed), ({ ingress }) =>
      Promise.resolve(
        spectraClients(ingress).rechecks().run({ cve, trigger: 'manual', connectTimeoutMs }),
      ).catch((error: unknown) => {
        throw new CliError(`recheck: ${describeIngressError(error)}`);
      }),
    );
    process.stdout.write(
      parsed.values.json ? jsonForTerminal(result) + '\n' : formatRecheck(result) + '\n',
    );
    return result.status === 'applied' ? 0 : 1;
  },
};

export function formatRecheck(result: RecheckResult): string {
  if (result.status === 'stale')
    return `${result.cve}: the triage changed while re-checking; nothing recorded (run it again)`;
  if (result.status === 'no-record') return `${result.cve}: no threat record`;
  const lines = [
    `${result.cve}: ${result.verdict === 'verified' ? 'verified' : 'STILL VULNERABLE'}: ${forTerminal(result.details ?? '')}`,
  ];
  if (result.reopened) lines.push(`  reopened: now ${result.triageState}`);
  else if (result.triageState) lines.push(`  triage: ${result.triageState}`);
  return lines.join('\n');
}
