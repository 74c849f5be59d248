import type { CampaignReport, SeverityCounts } from '../../../../shared/campaign';
import { SEVERITY_ORDER } from '../../../../shared/vulnerability';
import type { BarDatum } from '../../components/BarChart';

export function severityBars(counts: SeverityCounts): BarDatum[] {
  return SEVERITY_ORDER.filter((severity) => severity !== 'none').map((severity) => ({
    label: severity[0]!.toUpperCase() + severity.slice(1),
    value: counts[severity] ?? 0,
    tone: severity,
  }));
}

/** Open ports per identified service (product when known, else the port's service name). */
export function openPortsByService(report: Pick<CampaignReport, 'hosts'>, limit = 10): BarDatum[] {
  const counts = new Map<string, number>();
  for (const host of report.hosts)
    for (const port of host.ports) {
      const label = port.product ?? port.service ?? `port ${port.port}`;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
  const sorted = [...counts.entries()].sort(
    (left, right) => right[1] - left[1] || left[0].localeCompare(right[0]),
  );
  const shown = sorted.slice(0, limit).map(([label, value]) => ({ label, value }));
  const rest = sorted.slice(limit).reduce((total, [, value]) => total + value, 0);
  return rest > 0 ? [...shown, { label: 'other', value: rest, tone: 'none' }] : shown;
}
