#!/usr/bin/env node
// Builds the `spectra` runtime (CLI, headless host and services)
// to plain JavaScript in out/cli/, so nothing compiles TypeScript at run time.
// Runs on any Node >= 20 with only production dependencies installed: esbuild
// is a runtime dependency for that reason (`npm install --omit=dev` runs this
// as the `prepare` script, and bin/spectra.mjs runs it again when a source
// file is newer than the build).
import { performance } from 'node:perf_hooks';
import { buildRuntime } from '../bin/runtime-build.mjs';

const started = performance.now();
const result = await buildRuntime({ force: process.argv.includes('--force') });
const elapsed = Math.round(performance.now() - started);
process.stdout.write(
  result.built
    ? `spectra runtime built in ${elapsed} ms (${result.outputDir})\n`
    : `spectra runtime up to date (${result.outputDir})\n`,
);
