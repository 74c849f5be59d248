import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from 'node:fs';

/**
 * An append-only log file that keeps itself under `maxBytes` by rotating to
 * `<path>.1` (one generation kept), so a chatty restate-server can never fill
 * the analyst's disk. Also keeps the last lines in memory for error reports.
 */
export class RotatingLogFile {
  private descriptor: number;
  private size: number;
  private readonly recent: string[] = [];
  private partialLine = '';

  constructor(
    readonly path: string,
    private readonly maxBytes = 10 * 1024 * 1024,
    private readonly recentLineCount = 40,
  ) {
    if (existsSync(path) && statSync(path).size > maxBytes / 2) renameSync(path, `${path}.1`);
    this.descriptor = openSync(path, 'a');
    this.size = statSync(path).size;
  }

  write(chunk: Buffer | string): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.size + buffer.length > this.maxBytes) this.rotate();
    writeSync(this.descriptor, buffer);
    this.size += buffer.length;
    this.remember(buffer.toString('utf8'));
  }

  /** The last lines written, for "restate-server failed: ..." messages. */
  lastLines(): string[] {
    return this.partialLine ? [...this.recent, this.partialLine] : [...this.recent];
  }

  close(): void {
    closeSync(this.descriptor);
  }

  private rotate(): void {
    closeSync(this.descriptor);
    renameSync(this.path, `${this.path}.1`);
    this.descriptor = openSync(this.path, 'a');
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
