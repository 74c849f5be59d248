/**
 * Writes THIRD-PARTY-NOTICES.md from node_modules (see third-party-notices.ts).
 *
 *   npx tsx scripts/generate-third-party-notices.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collectShippedPackages, renderNotices } from './third-party-notices.js';

const projectDirectory = fileURLToPath(new URL('..', import.meta.url));
const packages = collectShippedPackages(projectDirectory);
writeFileSync(new URL('../THIRD-PARTY-NOTICES.md', import.meta.url), renderNotices(packages));
process.stdout.write(`THIRD-PARTY-NOTICES.md: ${packages.length} packages\n`);
