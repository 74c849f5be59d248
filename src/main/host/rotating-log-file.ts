import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { WriteRetryGate } from './write-retry-gate.js';

/**
 * An append-only log file that keeps itself under `maxBytes` by rotating to
 * `<path>.1` (one generation kept), so a chatty restate-server can never fill
 * the analyst's disk. Also keeps the last lines in memory for error reports.
 *
 * Writes never throw: on a read-only or full disk (EROFS, ENOSPC, EACCES) the
 * line is dropped from the file (still kept in memory), `onWriteFailure` is
 * told, and the file is tried again a few seconds later. Logging must never
 * be what takes the host down.
 */
export class RotatingLogFile {
  private descriptor: number | undefined;
  private size = 0;
  private readonly retryGate = new WriteRetryGate();
  private readonly recent: string[] = [];
  private partialLine = '';

  constructor(
    readonly path: string,
    private readonly maxBytes = 10 * 1024 * 1024,
    private readonly recentLineCount = 40,
    private readonly onWriteFailure: (error: unknown) => void = () => {},
  ) {
    try {
      if (existsSync(path) && statSync(path).size > maxBytes / 2) renameSync(path, `${path}.1`);
      this.open();
    } catch (error) {
      this.fail(error);
    }
  }

  write(chunk: Buffer | string): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.remember(buffer.toString('utf8'));
    if (this.descriptor === undefined) {
      if (!this.retryGate.mayTry()) return;
      try {
        this.open();
      } catch (error) {
        return this.fail(error);
      }
    }
    try {
      if (this.size + buffer.length > this.maxBytes) this.rotate();
      writeSync(this.descriptor!, buffer);
      this.size += buffer.length;
      this.retryGate.succeeded();
    } catch (error) {
      this.fail(error);
    }
  }

  /** The last lines written, for "restate-server failed: ..." messages. */
  lastLines(): string[] {
    return this.partialLine ? [...this.recent, this.partialLine] : [...this.recent];
  }

  close(): void {
    this.closeDescriptor();
  }

  private open(): void {
    this.descriptor = openSync(this.path, 'a', 0o600);
    chmodSync(this.path, 0o600);
    this.size = statSync(this.path).size;
  }

  private fail(error: unknown): void {
    this.closeDescriptor();
    this.retryGate.failed();
    this.onWriteFailure(error);
  }

  private closeDescriptor(): void {
    if (this.descriptor === undefined) return;
    try {
      closeSync(this.descriptor);
    } catch {
      // Closing a descriptor on a failing disk may fail too; it is gone either way.
    }
    this.descriptor = undefined;
  }

  private rotate(): void {
    this.closeDescriptor();
    renameSync(this.path, `${this.path}.1`);
    this.open();
    this.size = 0;
  }

  private remember(text: string): void {
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      this.recent.push(line.length > 500 ? line.slice(0, 500) + '…' : line);
      if (this.recent.length > this.recentLineCount) this.recent.shift();
    }
  }
}
