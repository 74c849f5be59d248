import {
  CLUSTER_HOST_SETTINGS,
  ClusterHostSettings,
  readClusterSettingsFile,
} from '../main/cluster/cluster-settings.js';
import { CliError } from './cli-error.js';
import type { Command, ParsedCommand } from './command.js';
import { settingValue } from './commands/worker-command.js';

/** The flags `spectra serve` takes for cluster mode. */
export const CLUSTER_MODE_OPTIONS: Command['options'] = Object.fromEntries(
  Object.values(CLUSTER_HOST_SETTINGS).map((setting) => [
    setting.flag,
    { type: 'string' as const },
  ]),
);

/**
 * Cluster mode from the flags (or their environment variables), else from
 * DATA_DIR/cluster.json, else undefined (the host starts its own
 * restate-server). Half a set of flags is an error naming what is missing.
 */
export function clusterModeSettings(
  parsed: ParsedCommand,
  dataDir: string,
): ClusterHostSettings | undefined {
  const values = {
    clusterIngress: settingValue(parsed, CLUSTER_HOST_SETTINGS.clusterIngress),
    clusterAdmin: settingValue(parsed, CLUSTER_HOST_SETTINGS.clusterAdmin),
    advertise: settingValue(parsed, CLUSTER_HOST_SETTINGS.advertise),
    listen: settingValue(parsed, CLUSTER_HOST_SETTINGS.listen),
    identityKeys: settingValue(parsed, CLUSTER_HOST_SETTINGS.identityKey)
      ?.split(',')
      .map((key) => key.trim()),
  };
  if (Object.values(values).every((value) => value === undefined)) {
    try {
      return readClusterSettingsFile(dataDir);
    } catch (error) {
      throw new CliError(`serve: ${(error as Error).message}`, 2);
    }
  }
  const parsedSettings = ClusterHostSettings.safeParse(values);
  if (!parsedSettings.success) {
    const issue = parsedSettings.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    const setting =
      field === 'identityKeys'
        ? CLUSTER_HOST_SETTINGS.identityKey
        : CLUSTER_HOST_SETTINGS[field as keyof typeof CLUSTER_HOST_SETTINGS];
    throw new CliError(
      `serve: --${setting?.flag ?? field}: ${values[field as keyof typeof values] === undefined ? 'required in cluster mode' : issue.message}`,
      2,
    );
  }
  return parsedSettings.data;
}
