import { z } from 'zod';

/**
 * A campaign a previous app version started, stopped by the host at start-up
 * after an upgrade (src/main/host/stale-invocations.ts): which versions the
 * upgrade went between.
 */
export const UpgradeStop = z.object({
  fromVersion: z.string().min(1).max(200),
  toVersion: z.string().min(1).max(200),
});
export type UpgradeStop = z.infer<typeof UpgradeStop>;

/** The audit line and error of such a campaign, written once here. */
export function upgradeStopReason(stop: UpgradeStop): string {
  return `started by Spectra-Red ${stop.fromVersion}; stopped on upgrade to ${stop.toVersion}: re-run it`;
}
