import { emptySeverityCounts, type SeverityCounts } from '../../../../shared/campaign';
import { hostCves, type HostRecord } from '../../../../shared/host-inventory';

/** How many distinct CVEs of each severity a host has. */
export function hostSeverityCounts(host: Pick<HostRecord, 'ports'>): SeverityCounts {
  const counts = emptySeverityCounts();
  for (const cve of hostCves(host)) counts[cve.severity] = (counts[cve.severity] ?? 0) + 1;
  return counts;
}

/** "exim 4.87" / "ssh": what runs on a port, in the fewest words. */
export function describeService(port: {
  service?: string;
  product?: string;
  version?: string;
}): string {
  return [port.product ?? port.service, port.version].filter(Boolean).join(' ') || '—';
}
