/** After a failed write, the file is tried again no sooner than this. */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * When a log file on a failing disk (EROFS, ENOSPC, EACCES) may be tried
 * again: at once while writes succeed, and no sooner than a few seconds after
 * one failed, so a broken disk costs one failed syscall per few seconds
 * rather than one per line.
 */
export class WriteRetryGate {
  private failedAt: number | undefined;

  constructor(private readonly retryAfterMs = RETRY_AFTER_FAILURE_MS) {}

  mayTry(now = Date.now()): boolean {
    return this.failedAt === undefined || now - this.failedAt >= this.retryAfterMs;
  }

  failed(now = Date.now()): void {
    this.failedAt = now;
  }

  succeeded(): void {
    this.failedAt = undefined;
  }
}
