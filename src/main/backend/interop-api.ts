import * as clients from '@restatedev/restate-sdk-clients';
import { z } from 'zod';
import { CampaignExportFormat, EXPORT_FILE_TYPES } from '../../shared/interop.js';
import { diffCampaigns } from '../../services/interop/campaign-diff.js';
import { readCampaignExportSources } from '../../services/interop/export-sources.js';
import type { IngressTransport } from '../host/ingress-transport.js';
import { jsonResponse } from './backend-api.js';

const CampaignIdParameter = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'not a campaign id');

/**
 * The UI's export and diff endpoints (the renderer cannot run the export
 * functions, which live on the Node side):
 *
 * - `GET /api/export?campaign=ID&format=F`: the file, as an attachment;
 * - `GET /api/diff?a=ID&b=ID`: the CampaignDiff of two campaigns.
 *
 * Imports need no endpoint: the renderer calls the Imports service through
 * the same guarded ingress forwarding as every other handler.
 */
export async function handleInteropApi(
  transport: IngressTransport,
  request: Request,
  /** Read only when an export is made (named in the file as the producing tool's version). */
  appVersion: string,
): Promise<Response | undefined> {
  const url = new URL(request.url);
  if (request.method !== 'GET') return undefined;
  if (url.pathname !== '/api/export' && url.pathname !== '/api/diff') return undefined;
  const ingress = clients.connect(transport);

  if (url.pathname === '/api/export') {
    const campaignId = CampaignIdParameter.safeParse(url.searchParams.get('campaign'));
    const format = CampaignExportFormat.safeParse(url.searchParams.get('format'));
    if (!campaignId.success) return jsonResponse(400, { error: 'campaign: not a campaign id' });
    if (!format.success)
      return jsonResponse(400, {
        error: `format: expected one of ${CampaignExportFormat.options.join(', ')}`,
      });
    const sources = await readCampaignExportSources(ingress, campaignId.data);
    if (!sources) return jsonResponse(404, { error: `no campaign "${campaignId.data}"` });
    // Loaded on first export: the HTML report's react-dom/server is ~1.4 MB of
    // code an idle host would otherwise keep in memory.
    const { exportCampaign } = await import('../../services/interop/campaign-export.js');
    const text = exportCampaign(format.data, sources.report, sources.records, {
      hostSummaries: sources.hostSummaries,
      generatedAt: new Date().toISOString(),
      toolVersion: appVersion,
    });
    const type = EXPORT_FILE_TYPES[format.data];
    return new Response(text, {
      status: 200,
      headers: {
        'content-type': `${type.mediaType}; charset=utf-8`,
        'content-disposition': `attachment; filename="spectra-${campaignId.data}.${type.extension}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  }

  const first = CampaignIdParameter.safeParse(url.searchParams.get('a'));
  const second = CampaignIdParameter.safeParse(url.searchParams.get('b'));
  if (!first.success || !second.success)
    return jsonResponse(400, { error: 'a, b: two campaign ids are required' });
  const [before, after] = await Promise.all([
    readCampaignExportSources(ingress, first.data),
    readCampaignExportSources(ingress, second.data),
  ]);
  if (!before || !after)
    return jsonResponse(404, { error: `no campaign "${before ? second.data : first.data}"` });
  return jsonResponse(200, diffCampaigns(before, after));
}
