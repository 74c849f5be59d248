import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildNmapArguments,
  findNmap,
  NmapNotFoundError,
  scanWithNmapEngine,
} from './nmap-engine.js';

describe('buildNmapArguments', () => {
  it('defaults to a connect scan without DNS or ping, XML on stdout, targets from stdin', () => {
    expect(buildNmapArguments({ ports: [80, 22, 21, 23] })).toEqual([
      '-sT',
      '-T4',
      '-n',
      '-Pn',
      '-oX',
      '-',
      '-p',
      '21-23,80',
      '-iL',
      '-',
    ]);
  });

  it('adds service detection, intensity and IPv6 when asked', () => {
    const argumentsList = buildNmapArguments(
      { ports: [22], serviceDetection: true, versionIntensity: 2, timing: 3 },
      true,
    );
    expect(argumentsList.slice(0, 8)).toEqual([
      '-sT',
      '-T3',
      '-n',
      '-Pn',
      '-6',
      '-sV',
      '--version-intensity',
      '2',
    ]);
  });

  it('refuses out-of-range tuning values', () => {
    expect(() => buildNmapArguments({ ports: [22], timing: 6 })).toThrow(RangeError);
    expect(() =>
      buildNmapArguments({ ports: [22], serviceDetection: true, versionIntensity: 10 }),
    ).toThrow(RangeError);
  });
});

describe('scanWithNmapEngine input checks', () => {
  it.each(['--script=http-shellshock', 'example.com', '127.0.0.1 -oN /tmp/x', '-iR'])(
    'refuses host %j before starting nmap',
    async (host) => {
      await expect(
        scanWithNmapEngine({ hosts: [host], ports: [80], nmapPath: '/nonexistent/nmap' }),
      ).rejects.toThrow(TypeError);
    },
  );

  it('reports a missing nmap clearly', async () => {
    await expect(
      scanWithNmapEngine({ hosts: ['127.0.0.1'], ports: [80], nmapPath: '/nonexistent/nmap' }),
    ).rejects.toBeInstanceOf(NmapNotFoundError);
  });
});

describe('findNmap', () => {
  it('finds an executable nmap on the given PATH only', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'spectra-find-nmap-'));
    try {
      expect(await findNmap(directory)).toBeUndefined();
      const fake = join(directory, 'nmap');
      await writeFile(fake, '#!/bin/sh\nexit 0\n');
      expect(await findNmap(`/nonexistent:${directory}`)).toBeUndefined();
      await chmod(fake, 0o755);
      expect(await findNmap(`/nonexistent:${directory}`)).toBe(fake);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
