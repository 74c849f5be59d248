import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from '../src/main/host/electron-binary.js';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ElectronEnvironment {
  /** The Electron executable to launch, when it can run here. */
  binary: string | undefined;
  /** Why the Electron tests are skipped, in one plain sentence; undefined when they run. */
  skipReason: string | undefined;
}

/**
 * Whether the Electron end-to-end tests can run on this machine. Missing
 * pieces of the environment skip them with the reason; a missing build of the
 * app itself is a failure (the build is part of the test run's job).
 */
export function electronEnvironment(
  environment: NodeJS.ProcessEnv = process.env,
): ElectronEnvironment {
  const binary = findElectronBinary();
  if (!binary) {
    return {
      binary,
      skipReason:
        "Electron's binary is not installed (node_modules/electron/dist is missing: npm 11 does not run " +
        "Electron's download script unless approved, and it needs network access): " +
        'npm install-scripts approve electron && npm rebuild electron',
    };
  }
  if (process.platform === 'linux' && !environment.DISPLAY && !environment.WAYLAND_DISPLAY) {
    return {
      binary,
      skipReason:
        'no display for the Electron window (DISPLAY is unset): run the tests under xvfb-run -a',
    };
  }
  return { binary, skipReason: undefined };
}

/** The build the app runs from; `npx electron-vite build` writes it. */
export function missingBuildOutputs(): string[] {
  return [join('out', 'main', 'index.js'), join('out', 'renderer', 'index.html')]
    .filter((file) => !existsSync(join(PROJECT_ROOT, file)))
    .concat(
      ['index.cjs', 'index.js'].some((name) =>
        existsSync(join(PROJECT_ROOT, 'out', 'preload', name)),
      )
        ? []
        : [join('out', 'preload', 'index.cjs')],
    );
}
