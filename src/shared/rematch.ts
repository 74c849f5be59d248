import { z } from 'zod';

/** `spectra rematch [ID]`: match stored campaigns' services against the current knowledge. */
export const RematchRequest = z.object({
  /** One campaign; every campaign when absent. */
  campaignId: z.string().min(1).max(200).optional(),
});
export type RematchRequest = z.infer<typeof RematchRequest>;

export const RematchResult = z.object({
  campaigns: z.number().int(),
  /** Open ports read back from the stored batch results. */
  services: z.number().int(),
  findings: z.number().int(),
  /** CVEs whose threat records were sent the findings (new ones and refreshed ones alike). */
  cves: z.array(z.string()),
});
export type RematchResult = z.infer<typeof RematchResult>;
