import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ShellPathInputs {
  /** `app.getAppPath()`: the project root in development, `.../resources/app.asar` when packaged. */
  appPath: string;
  /** Directory of the bundled main script (out/main). */
  mainDirectory: string;
  isPackaged: boolean;
  environment: NodeJS.ProcessEnv;
  fileExists?: (path: string) => boolean;
}

export interface ShellPaths {
  rendererDirectory: string;
  /** The project's resources/ (bundled vulnerability rules), packed inside app.asar. */
  resourcesDirectory: string;
  preloadScript: string;
  /** electron-vite's dev server, honoured only when not packaged. */
  developmentServerUrl: string | undefined;
}

/**
 * Where the shell finds its pieces, the same way in both layouts: electron-vite
 * writes out/main, out/preload and out/renderer side by side, and
 * electron-builder packs that tree (and resources/) into app.asar unchanged (Electron's fs reads
 * inside the archive). The preload must be CommonJS (sandboxed preloads cannot
 * be ES modules): index.cjs, or index.js; an index.mjs alone is an error.
 */
export function resolveShellPaths(inputs: ShellPathInputs): ShellPaths {
  const fileExists = inputs.fileExists ?? existsSync;
  const preloadDirectory = join(inputs.mainDirectory, '..', 'preload');
  const preloadScript = ['index.cjs', 'index.js']
    .map((name) => join(preloadDirectory, name))
    .find((candidate) => fileExists(candidate));
  if (!preloadScript) {
    throw new Error(
      `no CommonJS preload in ${preloadDirectory}: build the preload with output format "cjs" ` +
        '(sandboxed preloads cannot be ES modules)',
    );
  }
  const developmentServerUrl = inputs.isPackaged
    ? undefined
    : inputs.environment.ELECTRON_RENDERER_URL || undefined;
  return {
    rendererDirectory: join(inputs.appPath, 'out', 'renderer'),
    resourcesDirectory: join(inputs.appPath, 'resources'),
    preloadScript,
    developmentServerUrl,
  };
}
