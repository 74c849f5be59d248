import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project's package.json, read once: version and root for resources. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const APP_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
