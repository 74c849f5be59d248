import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root: the first directory above this module that holds
 * package.json. The module sits at different depths: src/cli/ in development,
 * out/cli/ or out/cli/chunks/ in the compiled runtime (wherever the bundler
 * puts the code several commands share).
 */
function projectRootAbove(directory: string): string {
  for (let current = directory; ; current = dirname(current)) {
    if (existsSync(join(current, 'package.json'))) return current;
    if (dirname(current) === current) throw new Error(`no package.json above ${directory}`);
  }
}

/** The project's package.json, read once: version and root for resources. */
export const PROJECT_ROOT = projectRootAbove(dirname(fileURLToPath(import.meta.url)));
export const APP_VERSION: string = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
