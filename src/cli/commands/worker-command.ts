import { resolve } from 'node:path';
import { createStructuredLogger } from '../../main/host/structured-logger.js';
import {
  IdentityPublicKey,
  parseListenAddress,
  WORKER_SETTINGS,
} from '../../main/cluster/cluster-settings.js';
import { untilStopSignal } from '../../main/cluster/stop-signal.js';
import { SiteName } from '../../shared/site.js';
import { APP_VERSION } from '../app-version.js';
import { CliError } from '../cli-error.js';
import { stringOption, type Command, type ParsedCommand } from '../command.js';

/** A flag, else its environment variable (containers set those). */
export function settingValue(
  parsed: ParsedCommand,
  setting: { flag: string; env: string },
): string | undefined {
  return stringOption(parsed, setting.flag) ?? (process.env[setting.env] || undefined);
}

export const workerCommand: Command = {
  name: 'worker',
  usage: `spectra worker --listen ADDRESS:PORT --identity-key publickeyv1_... [--site NAME]
       [--allow-networks CIDR,...] [--knowledge-dir DIR] [--register-with ADMIN_URL --advertise URL]

A stateless scanner placed inside the network it scans. It accepts only calls
signed with the cluster's request identity (--identity-key, comma separated
while keys rotate), probes only addresses inside --allow-networks (anything
else is refused, whatever the campaign asks), detects nmap on this machine,
and matches with the bundled rules plus the feeds in --knowledge-dir (mount or
sync the coordinator's DATA_DIR/knowledge there). With --site it serves that
site's campaigns only. --register-with registers --advertise (the address the
cluster reaches the worker pool at) with the cluster's admin API.
Every flag can come from the environment: ${Object.values(WORKER_SETTINGS)
    .map((setting) => setting.env)
    .join(', ')}.`,
  options: Object.fromEntries(
    Object.values(WORKER_SETTINGS).map((setting) => [setting.flag, { type: 'string' as const }]),
  ),
  async run(parsed) {
    const listenText = settingValue(parsed, WORKER_SETTINGS.listen);
    const keysText = settingValue(parsed, WORKER_SETTINGS.identityKey);
    if (!listenText) throw new CliError('worker: --listen ADDRESS:PORT is required', 2);
    if (!keysText) throw new CliError('worker: --identity-key publickeyv1_... is required', 2);
    let listen: { host: string; port: number };
    try {
      listen = parseListenAddress(listenText);
    } catch (error) {
      throw new CliError(`worker: --listen ${(error as Error).message}`, 2);
    }
    const identityKeys = keysText.split(',').map((key) => key.trim());
    for (const key of identityKeys) {
      if (!IdentityPublicKey.safeParse(key).success)
        throw new CliError(
          `worker: --identity-key "${key.slice(0, 80)}": not a publickeyv1_ key`,
          2,
        );
    }
    const site = settingValue(parsed, WORKER_SETTINGS.site);
    if (site !== undefined && !SiteName.safeParse(site).success) {
      throw new CliError(
        `worker: --site "${site.slice(0, 40)}": lower-case letters, digits and "-", at most 32`,
        2,
      );
    }
    const allowNetworks = settingValue(parsed, WORKER_SETTINGS.allowNetworks);
    if (site && !allowNetworks) {
      throw new CliError(`worker: --site ${site} needs --allow-networks (the site's networks)`, 2);
    }
    const registerWith = settingValue(parsed, WORKER_SETTINGS.registerWith);
    const advertise = settingValue(parsed, WORKER_SETTINGS.advertise);
    if (registerWith && !advertise) {
      throw new CliError('worker: --register-with needs --advertise URL', 2);
    }
    const knowledgeDir = settingValue(parsed, WORKER_SETTINGS.knowledgeDir);
    // The services load with this command only, not with every command.
    const { startScannerWorker } = await import('../../main/cluster/scanner-worker.js');
    const logger = createStructuredLogger({ echo: process.stderr });
    let worker;
    try {
      worker = await startScannerWorker({
        host: listen.host,
        port: listen.port,
        identityKeys,
        site,
        allowNetworks,
        knowledgeDir: knowledgeDir ? resolve(knowledgeDir) : undefined,
        registerWith:
          registerWith && advertise
            ? { adminUrl: registerWith, advertise, appVersion: APP_VERSION }
            : undefined,
        logger,
      });
    } catch (error) {
      throw new CliError(`worker: ${(error as Error).message.split('\n')[0]}`, 1);
    }
    process.stdout.write(
      [
        `Spectra-Red worker ${APP_VERSION} listening on ${listen.host}:${worker.endpoint.port}`,
        `  serves:  ${worker.serviceNames.join(', ')}`,
        `  allowed: ${allowNetworks ?? 'any address in a campaign’s scope (no --allow-networks)'}`,
        `  knowledge: bundled rules${knowledgeDir ? ` + ${resolve(knowledgeDir)}` : ''}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    await untilStopSignal();
    await worker.close();
    process.stdout.write('Stopped.\n');
    return 0;
  },
};
