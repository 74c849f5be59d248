import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: a real `spectra serve`, the loopback lab and
// Debian's Chromium through playwright-core. Run after `npx electron-vite build`.
export default defineConfig({
  test: {
    root: resolve(dirname(fileURLToPath(import.meta.url)), '..'),
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
