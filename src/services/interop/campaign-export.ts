import type { CampaignReport } from '../../shared/campaign.js';
import type {
  CampaignExportContext,
  CampaignExportFormat,
  ThreatExportFormat,
} from '../../shared/interop.js';
import type { ThreatRecord } from '../../shared/threat.js';
import { exportCsv } from './csv-export.js';
import { exportDefectDojo } from './defectdojo-export.js';
import { campaignFindingRows, threatFindingRows } from './finding-rows.js';
import { exportHtmlReport } from './html-report.js';
import { exportJsonLines } from './jsonl-export.js';
import { exportNmapXml } from './nmap-xml-export.js';
import { exportSarif } from './sarif-export.js';

/** One campaign in one format: the one entry point the CLI and the host API call. */
export function exportCampaign(
  format: CampaignExportFormat,
  report: CampaignReport,
  records: readonly ThreatRecord[],
  context: CampaignExportContext,
): string {
  const rows = campaignFindingRows(report, records);
  switch (format) {
    case 'xml':
      return exportNmapXml(report, context);
    case 'csv':
      return exportCsv(rows);
    case 'jsonl':
      return exportJsonLines(rows);
    case 'defectdojo':
      return exportDefectDojo(rows, { toolVersion: context.toolVersion, name: report.name });
    case 'sarif':
      return exportSarif(rows, context);
    case 'html':
      return exportHtmlReport(report, rows, context);
  }
}

/** The threat list (every record's affected services) in one format. */
export function exportThreats(
  format: ThreatExportFormat,
  records: readonly ThreatRecord[],
  context: { toolVersion: string },
): string {
  const rows = threatFindingRows(records);
  switch (format) {
    case 'csv':
      return exportCsv(rows);
    case 'jsonl':
      return exportJsonLines(rows);
    case 'defectdojo':
      return exportDefectDojo(rows, {
        toolVersion: context.toolVersion,
        name: 'Spectra-Red threats',
      });
    case 'sarif':
      return exportSarif(rows, context);
  }
}
