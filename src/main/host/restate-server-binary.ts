import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export class RestateServerBinaryMissing extends Error {}

/**
 * Finds the restate-server binary shipped in
 * `@restatedev/restate-server-<platform>-<arch>`. We spawn it directly: the
 * package's own `lib/index.js` wrapper inherits stdio and calls process.exit.
 *
 * In a packaged Electron app the package lives inside `app.asar`, which cannot
 * hold executables, so electron-builder unpacks it to `app.asar.unpacked`; the
 * same resolution then only needs that one path rewrite.
 */
export function resolveRestateServerBinary(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
  override: string | undefined = process.env.SPECTRA_RESTATE_SERVER_BIN,
): string {
  if (override) {
    if (!existsSync(override))
      throw new RestateServerBinaryMissing(`SPECTRA_RESTATE_SERVER_BIN=${override} does not exist`);
    return override;
  }
  if (platform === 'win32') {
    throw new RestateServerBinaryMissing(
      'restate-server ships no Windows binary; Spectra-Red runs on Linux and macOS',
    );
  }
  const packageName = `@restatedev/restate-server-${platform}-${arch}`;
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve(`${packageName}/package.json`));
  } catch {
    throw new RestateServerBinaryMissing(
      `${packageName} is not installed; run \`npm install\` (it is an optional dependency of @restatedev/restate-server)`,
    );
  }
  return unpackedFromAsar(join(packageDir, 'bin', 'restate-server'));
}

/** `/app/resources/app.asar/node_modules/x` -> `/app/resources/app.asar.unpacked/node_modules/x`. */
export function unpackedFromAsar(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
