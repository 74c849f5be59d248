import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveShellPaths } from './packaged-paths.js';

const exists =
  (...files: string[]) =>
  (path: string) =>
    files.includes(path);

describe('resolveShellPaths', () => {
  it('finds the pieces of a development checkout', () => {
    const root = '/work/main';
    const paths = resolveShellPaths({
      appPath: root,
      mainDirectory: join(root, 'out', 'main'),
      isPackaged: false,
      environment: { ELECTRON_RENDERER_URL: 'http://localhost:5173' },
      fileExists: exists(join(root, 'out', 'preload', 'index.cjs')),
    });
    expect(paths).toEqual({
      rendererDirectory: join(root, 'out', 'renderer'),
      resourcesDirectory: join(root, 'resources'),
      preloadScript: join(root, 'out', 'preload', 'index.cjs'),
      developmentServerUrl: 'http://localhost:5173',
    });
  });

  it('finds them inside app.asar and ignores ELECTRON_RENDERER_URL when packaged', () => {
    const asar = '/opt/Spectra-Red/resources/app.asar';
    const paths = resolveShellPaths({
      appPath: asar,
      mainDirectory: join(asar, 'out', 'main'),
      isPackaged: true,
      environment: { ELECTRON_RENDERER_URL: 'http://attacker.example' },
      fileExists: exists(join(asar, 'out', 'preload', 'index.js')),
    });
    expect(paths).toEqual({
      rendererDirectory: join(asar, 'out', 'renderer'),
      resourcesDirectory: join(asar, 'resources'),
      preloadScript: join(asar, 'out', 'preload', 'index.js'),
      developmentServerUrl: undefined,
    });
  });

  it('refuses an ES-module-only preload, which a sandboxed window cannot run', () => {
    expect(() =>
      resolveShellPaths({
        appPath: '/a',
        mainDirectory: '/a/out/main',
        isPackaged: false,
        environment: {},
        fileExists: exists('/a/out/preload/index.mjs'),
      }),
    ).toThrow(/CommonJS/);
  });
});
