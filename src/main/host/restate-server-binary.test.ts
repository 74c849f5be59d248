import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  resolveRestateServerBinary,
  RestateServerBinaryMissing,
  unpackedFromAsar,
} from './restate-server-binary.js';

const BINARY = ['@restatedev', 'restate-server-linux-x64', 'bin', 'restate-server'].join('/');

describe('unpackedFromAsar (packaged layout)', () => {
  it.each([
    [
      'Linux AppImage/deb',
      `/opt/Spectra-Red/resources/app.asar/node_modules/${BINARY}`,
      `/opt/Spectra-Red/resources/app.asar.unpacked/node_modules/${BINARY}`,
    ],
    [
      'macOS bundle',
      '/Applications/Spectra-Red.app/Contents/Resources/app.asar/node_modules/@restatedev/restate-server-darwin-arm64/bin/restate-server',
      '/Applications/Spectra-Red.app/Contents/Resources/app.asar.unpacked/node_modules/@restatedev/restate-server-darwin-arm64/bin/restate-server',
    ],
    [
      'AppImage mount point',
      `/tmp/.mount_SpectrXYZ/resources/app.asar/node_modules/${BINARY}`,
      `/tmp/.mount_SpectrXYZ/resources/app.asar.unpacked/node_modules/${BINARY}`,
    ],
  ])('points into app.asar.unpacked (%s)', (_layout, inside, unpacked) => {
    expect(unpackedFromAsar(inside)).toBe(unpacked);
  });

  it.each([
    ['a development checkout', `/work/main/node_modules/${BINARY}`],
    ['an already unpacked path', `/opt/x/resources/app.asar.unpacked/node_modules/${BINARY}`],
    ['a look-alike directory name', `/home/me/my-app.asar/node_modules/${BINARY}`],
    ['a look-alike suffix', `/home/me/app.asar-backup/node_modules/${BINARY}`],
  ])('leaves %s alone', (_what, path) => {
    expect(unpackedFromAsar(path)).toBe(path);
  });

  it('is idempotent', () => {
    const once = unpackedFromAsar(`/opt/x/resources/app.asar/node_modules/${BINARY}`);
    expect(unpackedFromAsar(once)).toBe(once);
  });
});

describe('resolveRestateServerBinary (development layout)', () => {
  const installed = process.platform === 'linux' || process.platform === 'darwin';

  it.runIf(installed)('finds the executable installed under node_modules', () => {
    const binary = resolveRestateServerBinary(process.platform, process.arch, undefined);
    expect(binary).toContain(
      `${sep}node_modules${sep}@restatedev${sep}restate-server-${process.platform}-${process.arch}${sep}bin${sep}restate-server`,
    );
    expect(binary).not.toContain('app.asar');
    expect(statSync(binary).isFile()).toBe(true);
    expect(() => accessSync(binary, constants.X_OK)).not.toThrow();
  });

  it('honours SPECTRA_RESTATE_SERVER_BIN when the file exists', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'spectra-binary-'));
    try {
      const fake = join(scratch, 'restate-server');
      writeFileSync(fake, '');
      expect(resolveRestateServerBinary('linux', 'x64', fake)).toBe(fake);
      expect(() => resolveRestateServerBinary('linux', 'x64', join(scratch, 'gone'))).toThrow(
        RestateServerBinaryMissing,
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('explains that Windows is not a target', () => {
    expect(() => resolveRestateServerBinary('win32', 'x64', undefined)).toThrow(
      /no Windows binary/,
    );
  });

  it('says which package to install when the platform package is missing', () => {
    expect(() => resolveRestateServerBinary('linux', 'mips', undefined)).toThrow(
      /@restatedev\/restate-server-linux-mips is not installed/,
    );
  });
});
