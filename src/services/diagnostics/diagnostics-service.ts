import * as restate from '@restatedev/restate-sdk';
import { EngineAvailability, ServicesRuntime } from '../../shared/diagnostics.js';
import { isNmapAvailable } from '../engines/nmap-engine.js';

/**
 * Answers questions about the process that runs the handlers, through the same
 * path every real call takes (ingress -> server -> signed request -> endpoint),
 * so `spectra doctor` and the tests prove end to end which Node runs them.
 */
export const diagnosticsService = restate.service({
  name: 'Diagnostics',
  handlers: {
    runtime: restate.handlers.handler(
      { output: restate.serde.schema(ServicesRuntime) },
      async (context: restate.Context): Promise<ServicesRuntime> =>
        context.run('read runtime', () => ({
          nodeVersion: process.version,
          platform: process.platform,
          arch: process.arch,
          pid: process.pid,
          electronVersion: process.versions.electron,
        })),
    ),
    engines: restate.handlers.handler(
      { output: restate.serde.schema(EngineAvailability) },
      async (context: restate.Context): Promise<EngineAvailability> => ({
        builtin: true,
        nmap: await context.run('look for nmap', () => isNmapAvailable()),
      }),
    ),
  },
});
export type DiagnosticsService = typeof diagnosticsService;
