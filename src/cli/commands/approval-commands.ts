import { userInfo } from 'node:os';
import { randomUUID } from 'node:crypto';
import { formatDuration, type ApprovalVerdict } from '../../shared/approval.js';
import { callOptions, spectraClients } from '../../clients/service-clients.js';
import { CliError } from '../cli-error.js';
import { requiredPositional, stringOption, type Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { describeIngressError, withHost } from '../host-connection.js';
import { forTerminal, jsonForTerminal } from '../terminal-text.js';

export const approvalsCommand: Command = {
  name: 'approvals',
  usage: 'spectra approvals [--json]',
  options: { json: { type: 'boolean' } },
  async run(parsed) {
    const pending = await withHost(resolveDataDir(parsed), ({ ingress }) =>
      spectraClients(ingress).approvals().list(),
    );
    if (parsed.values.json) {
      process.stdout.write(jsonForTerminal(pending) + '\n');
      return;
    }
    if (pending.length === 0) process.stdout.write('No campaign is waiting for approval.\n');
    const now = Date.now();
    for (const approval of pending) {
      const left = formatDuration(Math.round((Date.parse(approval.expiresAt) - now) / 1000) * 1000);
      process.stdout.write(
        `${approval.campaignId}  ${approval.id}  "${forTerminal(approval.name)}"  expires ${approval.expiresAt} (in ${left})\n` +
          approval.reasons.map((reason) => `    - ${forTerminal(reason.message)}\n`).join(''),
      );
    }
  },
};

function decisionCommand(verdict: ApprovalVerdict): Command {
  const name = verdict === 'approve' ? 'approve' : 'reject';
  return {
    name,
    usage: `spectra ${name} ID --note TEXT [--by NAME]

  ID           the campaign id or the approval id (see spectra approvals)
  --note TEXT  why; kept in the campaign's audit trail (required to reject)
  --by NAME    who decides (default: your user name)`,
    options: { note: { type: 'string' }, by: { type: 'string' } },
    positionals: ['ID'],
    async run(parsed) {
      const id = requiredPositional(parsed.positionals, name, 'ID');
      const note = stringOption(parsed, 'note');
      // As in the UI: a rejection says why, before anything is sent.
      if (verdict === 'reject' && !note?.trim())
        throw new CliError('reject: --note is required (say why the campaign is rejected)', 2);
      const by = stringOption(parsed, 'by') ?? currentUser();
      const outcome = await withHost(resolveDataDir(parsed), ({ ingress }) =>
        Promise.resolve(
          spectraClients(ingress)
            .approvals()
            // A retried request reuses the key; a second command is refused by the object.
            .decide({ id, verdict, note, by }, callOptions({ idempotencyKey: randomUUID() })),
        ).catch((error: unknown) => {
          throw new CliError(`${name}: ${describeIngressError(error)}`, 2);
        }),
      );
      process.stdout.write(
        `campaign ${outcome.campaignId}: ${outcome.outcome} by ${forTerminal(outcome.by ?? '?')} at ${outcome.at}\n`,
      );
    },
  };
}

export const approveCommand = decisionCommand('approve');
export const rejectCommand = decisionCommand('reject');

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'analyst';
  }
}
