#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=32768 MALLOC_TRIM_THRESHOLD_=131072 node
// The `spectra` command. Runs the compiled runtime in out/cli/ (built by
// `npm install`'s prepare script, rebuilt here when a source file is newer
// than the build), so nothing compiles TypeScript at run time. Every command,
// `serve` and its host included, runs in this one process.
//
// The line above: the `node` in PATH, with glibc malloc settings for the
// long-lived host `spectra serve` is (a desktop daemon, idle most of the
// time, so memory held between campaigns counts more than the last percent of
// speed inside one). They are environment variables because glibc reads them
// only when the process starts. Without them an idle host kept 20-40 MB of
// freed memory in malloc's arenas (V8 compiler zones, network buffers):
// - requests of 32 KB and more (V8 zone segments, 64 KB socket read buffers)
//   are mapped on their own and unmapped when freed, instead of pinning heap;
// - the top of the heap is returned above 128 KB free (a fixed threshold: the
//   default one grows to 64 MB after large frees);
// - two arenas for the event loop and Node's threads instead of eight per core.
// Measured on Node 20, idle host 15 s after a small campaign: 103 -> 79 MB
// RSS. Cost: campaigns ~4% slower (256 x 100, medians 0.73 vs 0.70 s).
// `node bin/spectra.mjs ...` runs without them (or with the analyst's own).
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
