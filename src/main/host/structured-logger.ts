import { appendFileSync, chmodSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { WriteRetryGate } from './write-retry-gate.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogFields {
  invocationId?: string;
  [field: string]: unknown;
}

/**
 * The host's own logs: one JSON object per line, so they can be grepped, tailed
 * and parsed by the Operations panel alike. Each line carries the component and,
 * when the message comes from a handler, the Restate invocation id.
 */
export interface StructuredLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(bindings: LogFields): StructuredLogger;
}

export interface LoggerOptions {
  /** JSON lines are appended here (synchronously, so a crash loses nothing already logged). */
  file?: string;
  /** Also written to this stream (stderr for the CLI); omitted in tests and the app. */
  echo?: NodeJS.WritableStream;
  level?: LogLevel;
  bindings?: LogFields;
  /** The file is rotated to `<file>.1` past this size, so it never fills the disk. */
  maxFileBytes?: number;
  /**
   * Told when a line could not be written (read-only or full disk). The line
   * is dropped from the file, never thrown: logging must not crash the host.
   */
  onWriteFailure?: (error: unknown) => void;
}

export function createStructuredLogger(options: LoggerOptions = {}): StructuredLogger {
  const minimum = LEVEL_ORDER[options.level ?? 'info'];
  const maxFileBytes = options.maxFileBytes ?? 10 * 1024 * 1024;
  let fileBytes = 0;
  const retryGate = new WriteRetryGate();
  if (options.file) {
    try {
      mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
      fileBytes = existsSync(options.file) ? statSync(options.file).size : 0;
      if (fileBytes > 0) chmodSync(options.file, 0o600);
    } catch (error) {
      retryGate.failed();
      options.onWriteFailure?.(error);
    }
  }
  const appendToFile = (file: string, line: string) => {
    if (!retryGate.mayTry()) return;
    try {
      if (fileBytes + line.length > maxFileBytes) {
        renameSync(file, `${file}.1`);
        fileBytes = 0;
      }
      appendFileSync(file, line, { mode: 0o600 });
      if (fileBytes === 0) chmodSync(file, 0o600);
      fileBytes += line.length;
      retryGate.succeeded();
    } catch (error) {
      retryGate.failed();
      options.onWriteFailure?.(error);
    }
  };

  const build = (bindings: LogFields): StructuredLogger => {
    const write = (level: LogLevel, message: string, fields?: LogFields) => {
      if (LEVEL_ORDER[level] < minimum) return;
      const line =
        JSON.stringify(
          { time: new Date().toISOString(), level, ...bindings, message, ...fields },
          errorReplacer,
        ) + '\n';
      if (options.file) appendToFile(options.file, line);
      options.echo?.write(line);
    };
    return {
      debug: (message, fields) => write('debug', message, fields),
      info: (message, fields) => write('info', message, fields),
      warn: (message, fields) => write('warn', message, fields),
      error: (message, fields) => write('error', message, fields),
      child: (more) => build({ ...bindings, ...more }),
    };
  };
  return build(options.bindings ?? {});
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
