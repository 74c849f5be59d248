// The compiled runtime of the `spectra` command: where it lives, whether it is
// older than its sources, and how to (re)build it with esbuild. Plain
// JavaScript on purpose: bin/spectra.mjs calls it before anything is compiled.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RUNTIME_DIR = join(PROJECT_ROOT, 'out', 'cli');
/** Input files and their modification times at build time (esbuild's metafile inputs). */
const MANIFEST_FILE = 'build-manifest.json';

const ENTRY_POINTS = {
  // The CLI, with the host and the services it starts.
  main: join(PROJECT_ROOT, 'src', 'cli', 'main.ts'),
  // A worker thread of a large built-in scan: the engine looks for it beside its own code.
  'builtin-probe-thread': join(
    PROJECT_ROOT,
    'src',
    'services',
    'engines',
    'builtin-probe-thread.ts',
  ),
};

/**
 * True when out/cli is missing or a file it was built from changed since.
 * Inputs that do not exist (a packaged app ships no sources) are not changes.
 */
export function runtimeIsStale(outputDir = RUNTIME_DIR) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outputDir, MANIFEST_FILE), 'utf8'));
  } catch {
    return true;
  }
  for (const name of Object.keys(ENTRY_POINTS)) {
    if (!existsSync(join(outputDir, `${name}.js`))) return true;
  }
  // Joined by hand, not with path.join: its character loop over ~150 paths
  // gets optimized by TurboFan, whose code pages (~4 MB) then stay in the RSS
  // of `spectra serve` for as long as it runs. Inputs are relative
  // paths with the platform's separator (esbuild's metafile, see below).
  const root = PROJECT_ROOT + sep;
  for (const [file, modified] of Object.entries(manifest.inputs)) {
    let stats;
    try {
      stats = statSync(root + file, { throwIfNoEntry: false });
    } catch {
      continue;
    }
    if (stats && stats.mtimeMs !== modified) return true;
  }
  return false;
}

/**
 * Bundles every entry point into one ESM file each. Dependencies are bundled
 * too (a few files load much faster than hundreds of modules), except
 * restate-server, whose binary is found through its package at run time.
 * What a command imports dynamically (the host, the services, the exporters)
 * goes to shared chunks beside them, so a command that only talks to a running
 * host parses a few hundred KB instead of every module.
 * Written to a temporary directory and renamed, so a concurrent `spectra`
 * never runs a half-written build.
 */
export async function buildRuntime({ force = false, outputDir = RUNTIME_DIR } = {}) {
  if (!force && !runtimeIsStale(outputDir)) return { built: false, outputDir };
  const esbuild = await import('esbuild');
  const staging = `${outputDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(outputDir), { recursive: true });
  const result = await esbuild.build({
    entryPoints: ENTRY_POINTS,
    outdir: staging,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
    plugins: [sdkCoreWasmAsFile(staging), httpThroughRequire(), zodEnglishOnly()],
    external: ['@restatedev/restate-server', '@restatedev/restate-server-*', 'electron', 'esbuild'],
    // CommonJS dependencies inside an ESM bundle still call require().
    banner: {
      js: "import { createRequire as __spectraCreateRequire } from 'node:module'; const require = __spectraCreateRequire(import.meta.url);",
    },
  });
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = join(PROJECT_ROOT, input);
    if (input.split(/[\\/]/).includes('node_modules')) continue;
    try {
      inputs[relative(PROJECT_ROOT, file)] = statSync(file).mtimeMs;
    } catch {
      // esbuild's virtual inputs have no file.
    }
  }
  // The recipe is an input too: a changed build (this file) makes a stale runtime.
  for (const file of ['package.json', 'bin/runtime-build.mjs']) {
    inputs[file] = statSync(join(PROJECT_ROOT, file)).mtimeMs;
  }
  writeFileSync(join(staging, MANIFEST_FILE), JSON.stringify({ inputs }, null, 1) + '\n');
  // Another `spectra` may have finished the same build meanwhile: keep its
  // output in place (something may be loading it) and drop ours.
  if (!force && !runtimeIsStale(outputDir)) {
    rmSync(staging, { recursive: true, force: true });
    return { built: false, outputDir };
  }
  const previous = `${outputDir}.${process.pid}.old`;
  if (existsSync(outputDir)) renameSync(outputDir, previous);
  try {
    renameSync(staging, outputDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(outputDir, MANIFEST_FILE))) throw error;
  }
  rmSync(previous, { recursive: true, force: true });
  return { built: true, outputDir };
}

/**
 * node:http loaded with require(), not as an ES module. Node 22 builds the ES
 * module namespace of a built-in by reading every export, and node:http's
 * WebSocket, CloseEvent and MessageEvent are getters that load undici: an
 * `import { request } from 'node:http'` alone kept undici in every host
 * (~14 MB of an idle host's RSS; Node 20 has no such getters). Bundled as
 * CommonJS, the module's exports are read only when used.
 */
function httpThroughRequire() {
  return {
    name: 'http-through-require',
    setup(build) {
      build.onResolve({ filter: /^(node:)?http$/ }, (args) =>
        // The require() inside the stand-in module is the real built-in.
        args.namespace === 'http-through-require'
          ? { path: 'node:http', external: true }
          : { path: 'node:http', namespace: 'http-through-require' },
      );
      build.onLoad({ filter: /.*/, namespace: 'http-through-require' }, () => ({
        contents: "module.exports = require('node:http');",
        loader: 'js',
      }));
    },
  };
}

/**
 * zod's error messages in English only. `z.locales` re-exports all ~50 of
 * zod's translations (246 KB of the 456 KB zod chunk) that every command and
 * host would parse; nothing here calls `z.config(z.locales.xx())`, and zod
 * itself configures English from its own module.
 */
function zodEnglishOnly() {
  return {
    name: 'zod-english-only',
    setup(build) {
      build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
        contents: 'export { default as en } from "./en.js";',
        loader: 'js',
      }));
    },
  };
}

/** The name, beside main.js, of the restate SDK's WebAssembly core. */
export const SDK_CORE_WASM_FILE = 'restate-sdk-shared-core.wasm';

/**
 * The restate SDK inlines its WebAssembly core as a 2.2 MB base64 string
 * literal. Bundled as is, a host keeps that literal, the chunk's source text
 * around it and the decoded bytes in its heap for as long as it runs (about
 * 4-6 MB of an idle host). This writes the core as a file beside the bundle
 * and has the bindings read it from there once, when the SDK is first loaded.
 */
function sdkCoreWasmAsFile(outputDir) {
  const literal = /^const __wasm_base64__ = "([A-Za-z0-9+/=]+)";$/m;
  return {
    name: 'restate-sdk-core-wasm-as-file',
    setup(build) {
      build.onLoad({ filter: /sdk_shared_core_wasm_bindings\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const match = literal.exec(source);
        const decode = '__decode_base64__(__wasm_base64__)';
        // Another SDK version may load its core differently: bundle it as it is.
        if (!match || !source.includes(decode)) return undefined;
        mkdirSync(outputDir, { recursive: true });
        writeFileSync(join(outputDir, SDK_CORE_WASM_FILE), Buffer.from(match[1], 'base64'));
        // Shared chunks live in chunks/, entry points beside the file.
        const read = `__spectraReadWasm(new URL((/\\/chunks\\/[^/]*$/.test(import.meta.url) ? '../' : './') + ${JSON.stringify(SDK_CORE_WASM_FILE)}, import.meta.url))`;
        const contents =
          "import { readFileSync as __spectraReadWasm } from 'node:fs';\n" +
          source.replace(literal, 'const __wasm_base64__ = undefined;').replace(decode, read);
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}
