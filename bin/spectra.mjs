#!/usr/bin/env node
// The `spectra` command. Runs the compiled runtime in out/cli/ (built by
// `npm install`'s prepare script, rebuilt here when a source file is newer
// than the build), so nothing compiles TypeScript at run time. The launcher it
// starts picks the Node that runs each command (the services need Node 22).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildRuntime, RUNTIME_DIR, runtimeIsStale } from './runtime-build.mjs';

const launcher = join(RUNTIME_DIR, 'launcher.js');
if (runtimeIsStale()) {
  try {
    await buildRuntime();
  } catch (error) {
    // A packaged app has its build and no sources or esbuild: run what is there.
    if (!existsSync(launcher)) {
      process.stderr.write(
        `spectra: cannot build the runtime in ${RUNTIME_DIR}: ${error instanceof Error ? error.message.split('\n')[0] : error}\n`,
      );
      process.exit(1);
    }
  }
}
await import(pathToFileURL(launcher).href);
