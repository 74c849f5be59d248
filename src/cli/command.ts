import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** One command's code; its summary (for `spectra --help`) is in command-index.ts. */
export interface Command {
  name: string;
  usage: string;
  options: OptionSpec;
  /** Positional arguments allowed (names for the help text). */
  positionals?: string[];
  run(parsed: ParsedCommand): Promise<number | void>;
}

export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpec = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * Strict parsing: an unknown flag or a missing value is a one-line error that
 * names it, never silently ignored.
 */
export function parseCommandArguments(command: Command, argv: string[]): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    const allowed = command.positionals?.length ?? 0;
    if (!values.help && positionals.length > allowed) {
      throw new CliError(
        `${command.name}: unexpected argument "${positionals[allowed]}" (see spectra ${command.name} --help)`,
        2,
      );
    }
    return { values: values as ParsedCommand['values'], positionals };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `${command.name}: ${(error as Error).message.split('\n')[0]} (see spectra ${command.name} --help)`,
      2,
    );
  }
}

export function stringOption(parsed: ParsedCommand, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function integerOption(
  parsed: ParsedCommand,
  name: string,
  range: { min: number; max: number },
): number | undefined {
  const value = stringOption(parsed, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < range.min || number > range.max) {
    throw new CliError(
      `--${name} "${value}": expected a whole number from ${range.min} to ${range.max}`,
      2,
    );
  }
  return number;
}

export function requiredPositional(positionals: string[], command: string, name: string): string {
  const value = positionals[0];
  if (!value)
    throw new CliError(`${command}: ${name} is required (see spectra ${command} --help)`, 2);
  return value;
}

const CVE_PATTERN = /^CVE-\d{4}-\d{4,}$/;

/** The CVE id a command takes as its argument, upper-cased; anything else is a usage error. */
export function cveArgument(positionals: string[], command: string): string {
  const cve = requiredPositional(positionals, command, 'CVE-ID').toUpperCase();
  if (!CVE_PATTERN.test(cve)) {
    throw new CliError(`${command}: "${positionals[0]}" is not a CVE id (CVE-2021-41773)`, 2);
  }
  return cve;
}
