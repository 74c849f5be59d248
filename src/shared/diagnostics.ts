import { z } from 'zod';

/** Which runtime executes the Restate handlers (restate-sdk 1.17 needs Node >= 22). */
export const ServicesRuntime = z.object({
  nodeVersion: z.string(),
  platform: z.string(),
  arch: z.string(),
  pid: z.number().int(),
  electronVersion: z.string().optional(),
});
export type ServicesRuntime = z.infer<typeof ServicesRuntime>;
