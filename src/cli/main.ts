import { CliError } from './cli-error.js';
import { parseCommandArguments } from './command.js';
import { COMMAND_INDEX } from './command-index.js';
import { APP_VERSION } from './app-version.js';
import { forTerminal } from './terminal-text.js';
import { diskFaultOf } from '../main/host/disk-fault.js';

/** The `spectra` command line: only wiring; each command lives in commands/, listed in command-index.ts. */
function overview(): string {
  const width = Math.max(...COMMAND_INDEX.map((command) => command.name.length));
  return [
    `spectra ${APP_VERSION}: durable network scanning for lab networks`,
    '',
    'Usage: spectra <command> [options]',
    '',
    'Commands:',
    ...COMMAND_INDEX.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
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
  const entry = COMMAND_INDEX.find((candidate) => candidate.name === name);
  if (!entry) throw new CliError(`unknown command "${name}" (see spectra --help)`, 2);
  const command = await entry.load();
  const parsed = parseCommandArguments(command, rest);
  if (parsed.values.help) {
    process.stdout.write(`${entry.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  return (await command.run(parsed)) ?? 0;
}

// `spectra threats | head` closes our stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

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
