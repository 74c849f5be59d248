import { useState } from 'react';
import { CAMPAIGN_EXPORT_FORMATS, type CampaignExportFormat } from '../../../../shared/interop';
import { describeBackendError } from '../../backend/spectra-backend';
import { downloadExport } from './interop-client';

const LABELS: Record<CampaignExportFormat, string> = {
  xml: 'nmap XML',
  csv: 'CSV',
  jsonl: 'JSON lines',
  defectdojo: 'DefectDojo',
  sarif: 'SARIF',
  html: 'HTML report',
};

/** One download button per export format, for the campaign report header. */
export function ExportButtons(props: { campaignId: string }) {
  const [busy, setBusy] = useState<CampaignExportFormat | undefined>();
  const [error, setError] = useState<string | undefined>();
  return (
    <span className="form-actions" role="group" aria-label="Export" data-testid="export-buttons">
      {CAMPAIGN_EXPORT_FORMATS.map((format) => (
        <button
          key={format}
          type="button"
          data-testid={`export-${format}`}
          disabled={busy !== undefined}
          onClick={() => {
            setBusy(format);
            setError(undefined);
            downloadExport(props.campaignId, format)
              .catch((failure: unknown) => setError(describeBackendError(failure)))
              .finally(() => setBusy(undefined));
          }}
        >
          {busy === format ? 'Exporting…' : LABELS[format]}
        </button>
      ))}
      {error ? (
        <span className="notice error" role="alert">
          Export failed: {error}
        </span>
      ) : null}
    </span>
  );
}
