import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildNmapArguments,
  findNmap,
  NmapFailedError,
  NmapNotFoundError,
  scanWithNmapEngine,
} from './nmap-engine.js';
import { NmapXmlError } from './nmap-xml.js';

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

/**
 * What real nmap cannot be made to print on demand (its own error report, a
 * broken document), printed by a stand-in executable given as `nmapPath`.
 */
describe('scanWithNmapEngine on output nmap rarely gives', () => {
  async function withFakeNmap(script: string, test: (nmapPath: string) => Promise<void>) {
    const directory = await mkdtemp(join(tmpdir(), 'spectra-fake-nmap-'));
    try {
      const nmapPath = join(directory, 'nmap');
      await writeFile(nmapPath, `#!/bin/sh\ncat > /dev/null\n${script}\n`);
      await chmod(nmapPath, 0o755);
      await test(nmapPath);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  it('reports the error nmap gives in <runstats>', async () => {
    await withFakeNmap(
      `printf '<?xml version="1.0"?><nmaprun start="1795960110"><runstats><finished time="1795960111" exit="error" errormsg="Failed to open device lo"/></runstats></nmaprun>'`,
      async (nmapPath) => {
        const scan = scanWithNmapEngine({ hosts: ['127.0.0.1'], ports: [80], nmapPath });
        await expect(scan).rejects.toBeInstanceOf(NmapFailedError);
        await expect(scan).rejects.toThrow('nmap reported an error: Failed to open device lo');
      },
    );
  });

  it('reports a failing exit with what nmap said on stderr', async () => {
    await withFakeNmap(`echo 'QUITTING! bad option' >&2; exit 1`, async (nmapPath) => {
      const scan = scanWithNmapEngine({ hosts: ['127.0.0.1'], ports: [80], nmapPath });
      await expect(scan).rejects.toBeInstanceOf(NmapFailedError);
      await expect(scan).rejects.toThrow('nmap exited with 1: QUITTING! bad option');
    });
  });

  it('stops nmap at the first malformed XML instead of waiting for its end', async () => {
    await withFakeNmap(
      `printf '<?xml version="1.0"?><nmaprun><host>&xxe;'; exec sleep 30`,
      async (nmapPath) => {
        const started = performance.now();
        const scan = scanWithNmapEngine({ hosts: ['127.0.0.1'], ports: [80], nmapPath });
        await expect(scan).rejects.toBeInstanceOf(NmapXmlError);
        await expect(scan).rejects.toThrow(/malformed \(line 1, column \d+\): undefined entity/);
        expect(performance.now() - started).toBeLessThan(5000);
      },
    );
  });

  it('refuses output cut short', async () => {
    await withFakeNmap(
      `printf '<?xml version="1.0"?><nmaprun><host starttime="1" endtime="2">'`,
      async (nmapPath) => {
        await expect(
          scanWithNmapEngine({ hosts: ['127.0.0.1'], ports: [80], nmapPath }),
        ).rejects.toThrow(/unclosed tag/);
      },
    );
  });
});
