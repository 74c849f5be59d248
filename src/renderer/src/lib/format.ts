/** Display helpers: pure, locale-stable where tests read them. */

export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return '—';
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const totalSeconds = Math.floor(milliseconds / 1000);
  if (totalSeconds < 10) return `${(milliseconds / 1000).toFixed(1)}s`;
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours === 0) return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  if (hours < 48) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** Milliseconds between two ISO times, or until `now` when the end is missing. */
export function elapsedMs(
  startIso: string | undefined,
  endIso: string | undefined,
  now: number,
): number {
  if (!startIso) return Number.NaN;
  const start = Date.parse(startIso);
  const end = endIso ? Date.parse(endIso) : now;
  return Math.max(0, end - start);
}

/**
 * Remaining time if the campaign keeps its pace so far; undefined until the
 * first targets are done (no pace to extrapolate from) or once all are.
 */
export function estimateRemainingMs(
  elapsed: number,
  done: number,
  total: number,
): number | undefined {
  if (!Number.isFinite(elapsed) || done <= 0 || done >= total) return undefined;
  return (elapsed / done) * (total - done);
}

export function formatDateTime(iso: string | undefined, withSeconds = false): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  const pad = (value: number) => String(value).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}${withSeconds ? `:${pad(date.getSeconds())}` : ''}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  const percent = ratio * 100;
  return `${percent < 10 && percent > 0 ? percent.toFixed(1) : Math.round(percent)}%`;
}

export function formatCount(value: number): string {
  return Number.isFinite(value) ? value.toLocaleString('en-US') : '—';
}

/** A moment of today as `21:40:02` (the connection banner's "since"). */
export function formatTime(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isFinite(date.getTime()) ? date.toLocaleTimeString('en-GB') : '—';
}
