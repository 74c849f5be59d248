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

/** Which scan engines the host can run (the form's dry run resolves `auto` with it). */
export const EngineAvailability = z.object({ builtin: z.literal(true), nmap: z.boolean() });
export type EngineAvailability = z.infer<typeof EngineAvailability>;
