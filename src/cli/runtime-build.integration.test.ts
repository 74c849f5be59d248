import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript without declarations (it runs before anything is compiled)
import { buildRuntime, SDK_CORE_WASM_FILE } from '../../bin/runtime-build.mjs';

/**
 * The compiled runtime (esbuild, bin/runtime-build.mjs) as `spectra` runs it:
 * the restate SDK's WebAssembly core is a file beside the bundle, not a base64
 * literal a host would keep in its heap, and the bundled SDK still loads it.
 */
const scratch = mkdtempSync(join(tmpdir(), 'spectra-runtime-build-'));
const outputDir = join(scratch, 'cli');

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the compiled runtime', () => {
  it('ships the SDK core as a .wasm file and no base64 copy of it', async () => {
    await buildRuntime({ force: true, outputDir });
    const wasm = readFileSync(join(outputDir, SDK_CORE_WASM_FILE as string));
    expect(wasm.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    const scripts = readdirSync(outputDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.js'),
    );
    const sdkChunk = scripts.find((file) =>
      readFileSync(join(outputDir, file), 'utf8').includes('__spectraReadWasm('),
    );
    expect(sdkChunk).toBeDefined();
    for (const file of scripts) {
      expect(readFileSync(join(outputDir, file), 'utf8')).not.toMatch(/__wasm_base64__ = "/);
    }
    // Loading the chunk instantiates the core (the bindings call initSync on import).
    const loaded = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(outputDir, sdkChunk!))}); console.log(Object.keys(m).length > 0);`,
      ],
      { encoding: 'utf8' },
    );
    expect(loaded.trim()).toBe('true');
  });
});
