import { z } from 'zod';

/**
 * A site is a pool of scanner workers placed inside one network segment. A
 * campaign that names a site is scanned only by that site's workers: they
 * serve the Scanner under the site's own service name, so Restate routes the
 * campaign's batches to the site's deployment and nowhere else.
 */
export const SiteName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'a site name: lower-case letters, digits and "-", at most 32');
export type SiteName = z.infer<typeof SiteName>;

/** The service name a site's Scanner is registered under (`Scanner` when no site is named). */
export function siteScannerName(site: string | undefined): string {
  return site ? `Scanner_${site.replaceAll('-', '_')}` : 'Scanner';
}
