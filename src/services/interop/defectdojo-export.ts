import type { FindingRow } from '../../shared/interop.js';
import type { Severity } from '../../shared/vulnerability.js';

const DEFECTDOJO_SEVERITY: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  none: 'Info',
};

/**
 * DefectDojo's "Generic Findings Import" JSON: `{ findings: [...] }` with the
 * Finding model's own field names, one finding per CVE and service, the
 * service as an endpoint. The triage state maps to DefectDojo's flags.
 */
export function exportDefectDojo(
  rows: readonly FindingRow[],
  context: { toolVersion: string; name: string },
): string {
  const findings = rows.map((row) => {
    const component = [row.product, row.version].filter(Boolean).join(' ');
    return {
      title: `${row.cve} on ${row.host}:${row.port}${component ? ` (${component})` : ''}`,
      description: [
        row.summary,
        '',
        `Service: ${row.host}:${row.port}/tcp ${row.service ?? ''}`.trimEnd(),
        ...(component ? [`Product: ${component}`] : []),
        ...(row.cpe ? [`CPE: ${row.cpe}`] : []),
        ...(row.firstSeen ? [`First seen: ${row.firstSeen}`] : []),
        ...(row.lastSeen ? [`Last seen: ${row.lastSeen}`] : []),
      ].join('\n'),
      severity: DEFECTDOJO_SEVERITY[row.severity],
      ...(row.lastSeen && { date: row.lastSeen.slice(0, 10) }),
      vulnerability_ids: [{ vulnerability_id: row.cve }],
      ...(row.cvssVector?.startsWith('CVSS:3') && { cvssv3: row.cvssVector }),
      cvssv3_score: row.cvssScore,
      ...(row.epss !== undefined && { epss_score: row.epss }),
      ...(row.kev !== undefined && { known_exploited: row.kev }),
      component_name: row.product ?? null,
      component_version: row.version ?? null,
      references: `https://nvd.nist.gov/vuln/detail/${row.cve}`,
      unique_id_from_tool: `${row.cve}/${row.host}:${row.port}`,
      active: row.triageState !== 'false-positive' && row.triageState !== 'remediated',
      verified: row.triageState === 'confirmed',
      false_p: row.triageState === 'false-positive',
      is_mitigated: row.triageState === 'remediated',
      endpoints: [{ host: row.host, port: row.port, protocol: row.service ?? 'tcp' }],
    };
  });
  return (
    JSON.stringify(
      { name: context.name, type: 'Spectra-Red', version: context.toolVersion, findings },
      null,
      2,
    ) + '\n'
  );
}
