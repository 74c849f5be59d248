import { FINDING_SCHEMA_VERSION, type FindingRow } from '../../shared/interop.js';

/** One JSON object per line, each with `schemaVersion`, for streaming into other tools. */
export function exportJsonLines(rows: readonly FindingRow[]): string {
  return rows
    .map(
      (row) =>
        JSON.stringify({ schemaVersion: FINDING_SCHEMA_VERSION, type: 'finding', ...row }) + '\n',
    )
    .join('');
}
