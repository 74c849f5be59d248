import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectShippedPackages, renderNotices } from '../../scripts/third-party-notices.js';

const projectDirectory = fileURLToPath(new URL('../..', import.meta.url));

describe('THIRD-PARTY-NOTICES.md', () => {
  const packages = collectShippedPackages(projectDirectory);

  it('is up to date with the installed runtime dependencies (regenerate with scripts/generate-third-party-notices.ts)', () => {
    const committed = readFileSync(
      new URL('../../THIRD-PARTY-NOTICES.md', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(renderNotices(packages));
  });

  it('lists every runtime dependency of package.json, React, Electron and restate-server with its license', () => {
    const root = JSON.parse(readFileSync(`${projectDirectory}/package.json`, 'utf8')) as {
      license: string;
      dependencies: Record<string, string>;
    };
    expect(root.license).toBe('GPL-2.0-or-later');
    const names = new Set(packages.map((pkg) => pkg.name));
    for (const name of [...Object.keys(root.dependencies), 'react', 'react-dom', 'electron'])
      expect(names, name).toContain(name);
    const server = packages.find((pkg) => pkg.name === '@restatedev/restate-server-linux-x64')!;
    expect(server.license).toBe('BSL');
    const serverLicense = server.licenseTexts.find((entry) => entry.file === 'LICENSE')!.text;
    expect(serverLicense).toContain('Business Source License 1.1');
    expect(serverLicense).toContain('Additional Use Grant');
    const sdk = packages.find((pkg) => pkg.name === '@restatedev/restate-sdk')!;
    expect(sdk.license).toBe('MIT');
    expect(packages.every((pkg) => pkg.license !== 'UNKNOWN')).toBe(true);
  });

  it('LICENSE holds the GPL version 2 text', () => {
    const license = readFileSync(new URL('../../LICENSE', import.meta.url), 'utf8');
    expect(license).toContain('GNU GENERAL PUBLIC LICENSE');
    expect(license).toContain('Version 2, June 1991');
    expect(license).toContain('either version 2 of the License, or');
  });
});
