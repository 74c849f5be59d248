import { defineConfig } from 'vitest/config';

// The Electron shell's end-to-end tests: they launch the built app with
// Playwright's `_electron`, so they run only where Electron's binary is
// installed (and a display is available), one file at a time.
// Run: npx electron-vite build && npx vitest run --config e2e-electron/vitest.config.ts
export default defineConfig({
  test: {
    name: 'e2e-electron',
    root: new URL('..', import.meta.url).pathname,
    include: ['e2e-electron/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
