#!/usr/bin/env node
// The `spectra` command. The services need Node.js >= 22 (restate-sdk calls
// Promise.withResolvers), which the project brings itself as the `node` npm
// package; on an older Node this launcher re-runs itself with that one.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);

if (major >= 22) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(join(projectRoot, 'src', 'cli', 'main.ts'));
} else {
  const bundledNode = join(projectRoot, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bundledNode)) {
    process.stderr.write(
      `spectra: Node.js ${process.version} is too old (need >= 22) and the bundled Node is missing; run \`npm install\` in ${projectRoot}\n`,
    );
    process.exit(1);
  }
  const child = spawn(bundledNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // Ctrl-C reaches the child through the terminal's process group; the
  // launcher only waits and forwards what a supervisor sends to it alone.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
