import type { DiskFault } from '../../main/host/disk-fault.js';
import { chooseUiPort } from '../../main/browser-mode/stable-ui-port.js';
import { APP_VERSION, PROJECT_ROOT } from '../app-version.js';
import { integerOption, stringOption, type Command } from '../command.js';
import { resolveDataDir } from '../data-dir-option.js';
import { join } from 'node:path';
import { CLUSTER_MODE_OPTIONS, clusterModeSettings } from '../cluster-mode-options.js';
import { removeStaleHostInfo } from '../../main/host/stale-host-info.js';
import { isProcessAlive } from '../../main/host/host-process.js';
import { exposeGarbageCollector } from '../../main/host/idle-garbage-collection.js';

export const serveCommand: Command = {
  name: 'serve',
  usage: `spectra serve [--data-dir DIR] [--ui-port PORT] [--no-ui]

Starts restate-server (ingress and admin on Unix sockets in the data dir),
the services endpoint (127.0.0.1, signed requests only) and, unless
--no-ui, the analyst UI on http://127.0.0.1:PORT with a per-session token.
Prints the addresses and runs until Ctrl-C, then stops everything cleanly.

Cluster mode (--cluster-ingress URL --cluster-admin URL --advertise URL
--identity-key publickeyv1_... [--listen ADDRESS:PORT], or DATA_DIR/cluster.json):
no restate-server is started; the workflow and objects are served on --listen
and registered with the cluster as --advertise; scanner workers (spectra
worker) serve the Scanner.`,
  options: {
    'ui-port': { type: 'string' },
    'no-ui': { type: 'boolean' },
    'renderer-dir': { type: 'string' },
    ...CLUSTER_MODE_OPTIONS,
  },
  async run(parsed) {
    // The host, the services and the UI server load with this command only, not with every command.
    const [{ startHost }, { servicesForDataDir }, { startBrowserModeServer }] = await Promise.all([
      import('../../main/host/host-runtime.js'),
      import('../../main/app-services.js'),
      import('../../main/browser-mode/browser-mode-server.js'),
    ]);
    const dataDir = resolveDataDir(parsed);
    const cluster = clusterModeSettings(parsed, dataDir);
    // A host that was killed (SIGKILL, power loss) left its host.json behind,
    // naming a pid that is gone or by now another process's: not a host.
    removeStaleHostInfo(dataDir, isProcessAlive);
    // The long-lived host collects garbage when idle (idle-garbage-collection.ts).
    exposeGarbageCollector();
    const host = await startHost({
      dataDir,
      appVersion: APP_VERSION,
      services: servicesForDataDir(dataDir),
      cluster,
    });
    const ui = parsed.values['no-ui']
      ? undefined
      : await startBrowserModeServer({
          host,
          rendererDir:
            stringOption(parsed, 'renderer-dir') ?? join(PROJECT_ROOT, 'out', 'renderer'),
          port: await chooseUiPort(
            dataDir,
            integerOption(parsed, 'ui-port', { min: 0, max: 65535 }),
          ),
        });
    if (ui) host.advertiseUi(ui.url);

    process.stdout.write(
      [
        `Spectra-Red ${APP_VERSION} is running (data in ${dataDir})`,
        ui ? `  UI:      ${ui.urlWithToken}` : '  UI:      disabled (--no-ui)',
        `  ingress: ${host.ingressAddress}`,
        `  admin:   ${host.adminAddress}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );

    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (exitCode: number) => {
        // The listeners stay registered while stopping: execa's exit cleanup
        // re-raises a signal that nobody else listens to, which would kill us
        // before restate-server has been stopped.
        if (stopping) return;
        stopping = true;
        process.stdout.write('Stopping…\n');
        void (async () => {
          await ui?.close();
          await host.close();
          process.stdout.write('Stopped.\n');
          resolve(exitCode);
        })();
      };
      const onSignal = () => stop(0);
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // A read-only or full data dir is said once, in one line, and again when it recovers.
      host.on('disk-fault', (fault?: DiskFault) => {
        process.stderr.write(
          `spectra serve: ${fault ? fault.message : 'the data dir takes writes again'}\n`,
        );
      });
      host.on('fatal', (error: Error) => {
        process.stderr.write(`spectra serve: ${error.message}\n`);
        stop(1);
      });
    });
  },
};
