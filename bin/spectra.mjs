#!/usr/bin/env node
// The JavaScript half of the `spectra` command (bin/spectra picks the Node and
// its settings, then runs this). Runs the compiled runtime in out/cli/ (built
// by `npm install`'s prepare script, rebuilt here when a source file is newer
// than the build), so nothing compiles TypeScript at run time. Every command,
// `serve` and its host included, runs in this one process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RUNTIME_DIR, runtimeIsStale } from './runtime-build.mjs';

const main = join(RUNTIME_DIR, 'main.js');
if (runtimeIsStale()) {
  // Built in a child process: the memory esbuild's run leaves behind (~14 MB)
  // would otherwise stay in this process for as long as `spectra serve` runs.
  // (child_process loads only here: a command on an up-to-date runtime that
  // starts no process, such as `spectra scan` to a running host, skips it.)
  const { spawnSync } = await import('node:child_process');
  const build = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { buildRuntime } from ${JSON.stringify(new URL('./runtime-build.mjs', import.meta.url).href)}; await buildRuntime();`,
    ],
    // Inside Electron, its binary runs as Node only with this set.
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    },
  );
  // A packaged app has its build and no sources or esbuild: run what is there.
  if (build.status !== 0 && !existsSync(main)) {
    const reason =
      (build.stderr ?? '').split('\n').find((line) => /error/i.test(line)) ??
      build.error?.message ??
      `exit ${build.status}`;
    process.stderr.write(`spectra: cannot build the runtime in ${RUNTIME_DIR}: ${reason.trim()}\n`);
    process.exit(1);
  }
}
// Node >= 22.1 keeps V8's compiled code of main.js between runs (a no-op before).
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
await import(pathToFileURL(main).href);
