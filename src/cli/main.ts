import { CliError } from './cli-error.js';
import { parseCommandArguments, type Command } from './command.js';
import { doctorCommand } from './commands/doctor-command.js';
import { serveCommand } from './commands/serve-command.js';
import { scanCommand } from './commands/scan-command.js';
import { attachCommand, campaignCommand, campaignsCommand } from './commands/campaign-commands.js';
import { approvalsCommand, approveCommand, rejectCommand } from './commands/approval-commands.js';
import { threatCommand, threatsCommand, triageCommand } from './commands/threat-commands.js';
import { feedsCommand } from './commands/feed-commands.js';
import { exportCommand } from './commands/export-commands.js';
import { importCommand } from './commands/import-command.js';
import { diffCommand } from './commands/diff-command.js';
import { hostCommand, hostsCommand } from './commands/host-commands.js';
import { recheckCommand } from './commands/recheck-command.js';
import { rematchCommand } from './commands/rematch-command.js';
import {
  scheduleCommand,
  schedulesCommand,
  unscheduleCommand,
} from './commands/schedule-commands.js';
import { APP_VERSION } from './app-version.js';
import { clusterCommand } from './commands/cluster-command.js';
import { workerCommand } from './commands/worker-command.js';
import { forTerminal } from './terminal-text.js';
import { stopWhenLauncherExits } from './launcher/launcher-watch.js';
import { diskFaultOf } from '../main/host/disk-fault.js';

/** The `spectra` command line: only wiring; each command lives in commands/. */
const COMMANDS: Command[] = [
  serveCommand,
  scanCommand,
  attachCommand,
  campaignsCommand,
  campaignCommand,
  approvalsCommand,
  approveCommand,
  rejectCommand,
  threatsCommand,
  threatCommand,
  triageCommand,
  hostsCommand,
  hostCommand,
  recheckCommand,
  rematchCommand,
  scheduleCommand,
  schedulesCommand,
  unscheduleCommand,
  feedsCommand,
  exportCommand,
  importCommand,
  diffCommand,
  doctorCommand,
  workerCommand,
  clusterCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `spectra ${APP_VERSION}: durable network scanning for lab networks`,
    '',
    'Usage: spectra <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Every command takes --data-dir DIR (default $XDG_DATA_HOME/spectra-red) and --help.',
  ].join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview() + '\n');
    return 0;
  }
  if (name === '--version') {
    process.stdout.write(APP_VERSION + '\n');
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) throw new CliError(`unknown command "${name}" (see spectra --help)`, 2);
  const parsed = parseCommandArguments(command, rest);
  if (parsed.values.help) {
    process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  return (await command.run(parsed)) ?? 0;
}

// `spectra threats | head` closes our stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

stopWhenLauncherExits();

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (error) {
  // A write that failed on a read-only or full disk, wherever it came from, is said in one line.
  const fault = diskFaultOf(error, (error as NodeJS.ErrnoException | undefined)?.path ?? '');
  const message = fault ? fault.message : error instanceof Error ? error.message : String(error);
  // Error texts quote handler answers and user input: escaped like any other output.
  process.stderr.write(`spectra: ${message.split('\n').map(forTerminal).join('\n')}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
}

// The command is done (a host it started is closed): leave now rather than
// wait for idle keep-alive sockets and timers to wind down, once what was
// written has reached the terminal or pipe.
process.stdout.write('', () => process.stderr.write('', () => process.exit()));
