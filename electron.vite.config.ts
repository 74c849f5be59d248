import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build for the three processes. The renderer output (out/renderer) is
// also what browser mode serves, so both shells run the same bundle.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/electron/electron-main.ts'),
          // A worker thread of a large built-in scan: the engine looks for it beside its own code.
          'builtin-probe-thread': resolve('src/services/engines/builtin-probe-thread.ts'),
        },
      },
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/preload.ts') },
        // Sandboxed preloads cannot be ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
      externalizeDeps: true,
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: { input: resolve('src/renderer/index.html') },
    },
  },
});
