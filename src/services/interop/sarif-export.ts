import type { FindingRow } from '../../shared/interop.js';
import type { Severity } from '../../shared/vulnerability.js';

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note' | 'none'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  none: 'none',
};

/**
 * SARIF 2.1.0: one rule per CVE, one result per affected service, located by
 * a `tcp://host:port` URI and a logical location naming the service. SARIF
 * is built for code, so network findings live on URIs rather than files.
 */
export function exportSarif(rows: readonly FindingRow[], context: { toolVersion: string }): string {
  const rules = new Map<string, FindingRow>();
  for (const row of rows) if (!rules.has(row.cve)) rules.set(row.cve, row);
  const ruleIds = [...rules.keys()];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Spectra-Red',
            version: context.toolVersion,
            informationUri: 'https://github.com/spectra-red',
            rules: [...rules.values()].map((row) => ({
              id: row.cve,
              name: row.cve.replace(/-/g, ''),
              shortDescription: { text: row.summary },
              helpUri: `https://nvd.nist.gov/vuln/detail/${row.cve}`,
              properties: {
                'security-severity': row.cvssScore.toFixed(1),
                ...(row.cvssVector && { cvssVector: row.cvssVector }),
              },
            })),
          },
        },
        results: rows.map((row) => ({
          ruleId: row.cve,
          ruleIndex: ruleIds.indexOf(row.cve),
          level: SARIF_LEVEL[row.severity],
          message: {
            text: `${row.cve} (${row.severity}, CVSS ${row.cvssScore.toFixed(1)}) on ${row.host}:${row.port}: ${[row.product, row.version].filter(Boolean).join(' ')}`,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: {
                  uri: `tcp://${row.host.includes(':') ? `[${row.host}]` : row.host}:${row.port}`,
                },
              },
              logicalLocations: [
                {
                  name: `${row.host}:${row.port}`,
                  fullyQualifiedName: `${row.host}:${row.port}/tcp`,
                  kind: 'resource',
                },
              ],
            },
          ],
          partialFingerprints: { serviceFinding: `${row.cve}/${row.host}:${row.port}` },
          properties: {
            severity: row.severity,
            ...(row.triageState && { triageState: row.triageState }),
            ...(row.epss !== undefined && { epss: row.epss }),
            ...(row.kev !== undefined && { kev: row.kev }),
          },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
