import type { FindingRow } from '../../shared/interop.js';

/** The CSV columns, in order: one row per finding. */
export const CSV_COLUMNS = [
  'host',
  'hostname',
  'port',
  'protocol',
  'service',
  'product',
  'version',
  'cpe',
  'cve',
  'cvss_version',
  'cvss_vector',
  'cvss_score',
  'severity',
  'epss',
  'kev',
  'triage_state',
  'first_seen',
  'last_seen',
  'summary',
] as const;

/**
 * A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) or that
 * starts with tab or CR gets a leading apostrophe (OWASP's CSV injection
 * advice): banners and product strings come from scanned hosts, so they are
 * attacker-controlled. Every cell is quoted, quotes doubled (RFC 4180).
 */
export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function exportCsv(rows: readonly FindingRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      [
        row.host,
        row.hostname,
        row.port,
        row.protocol,
        row.service,
        row.product,
        row.version,
        row.cpe,
        row.cve,
        row.cvssVersion,
        row.cvssVector,
        row.cvssScore.toFixed(1),
        row.severity,
        row.epss,
        row.kev === undefined ? undefined : row.kev ? 'yes' : 'no',
        row.triageState,
        row.firstSeen,
        row.lastSeen,
        row.summary,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
