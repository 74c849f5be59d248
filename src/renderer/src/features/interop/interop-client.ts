import { connectSpectra } from '../../../../clients/service-clients';
import {
  CampaignDiff,
  EXPORT_FILE_TYPES,
  MAX_IMPORT_BYTES,
  NmapImportResult,
  type CampaignExportFormat,
} from '../../../../shared/interop';
import { readShellConfig, type ShellConfig } from '../../backend/shell-config';

/**
 * What the interop components ask of the host: exports and diffs from the
 * host API, imports and listings through the guarded ingress. Kept apart
 * from the app's backend so these components plug in with one line each.
 */
let config: ShellConfig | undefined;
function shellConfig(): ShellConfig {
  config ??= readShellConfig(document, window.location.href);
  return config;
}

async function apiGet(path: string): Promise<Response> {
  const { apiBase, headers } = shellConfig();
  const response = await fetch(`${apiBase}${path}`, { headers, cache: 'no-store' });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: unknown };
    throw new Error(typeof body.error === 'string' ? body.error : `HTTP ${response.status}`);
  }
  return response;
}

/** Fetches the export and hands it to the browser as a download. */
export async function downloadExport(
  campaignId: string,
  format: CampaignExportFormat,
): Promise<void> {
  const response = await apiGet(
    `/api/export?campaign=${encodeURIComponent(campaignId)}&format=${format}`,
  );
  const blob = await response.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `spectra-${campaignId}.${EXPORT_FILE_TYPES[format].extension}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

export async function fetchDiff(before: string, after: string): Promise<CampaignDiff> {
  const response = await apiGet(
    `/api/diff?a=${encodeURIComponent(before)}&b=${encodeURIComponent(after)}`,
  );
  return CampaignDiff.parse(await response.json());
}

function services() {
  const { ingressUrl, headers } = shellConfig();
  return connectSpectra({ url: ingressUrl, headers });
}

export async function importNmapFile(file: File, name?: string): Promise<NmapImportResult> {
  if (file.size > MAX_IMPORT_BYTES) throw new Error(`${file.name}: larger than 24 MiB`);
  const xml = await file.text();
  const result = await services()
    .imports()
    .nmapXml({ xml, sourceName: file.name, ...(name ? { name } : {}) });
  return NmapImportResult.parse(result);
}
