/**
 * THIRD-PARTY-NOTICES.md, built from what is installed in node_modules: every
 * package the app ships (the runtime `dependencies` and what they pull in,
 * which electron-builder copies beside the app), the packages Vite bundles
 * into the renderer, and Electron itself, each with its declared license and
 * the license text it ships. `scripts/generate-third-party-notices.ts` writes
 * the file; a unit test checks it equals what this returns, so a dependency
 * change without regenerating fails the tests.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Imported by src/renderer and bundled into out/renderer by Vite (devDependencies, but shipped). */
export const RENDERER_BUNDLED = ['react', 'react-dom', 'zustand', '@tanstack/react-query'];
/**
 * Shipped as the application runtime. Its npm package's own dependencies
 * only download the binary at install time and are not shipped, so it is not walked.
 */
export const SHELL_RUNTIME = ['electron'];

const LICENSE_FILE = /^(licen[sc]e|copying|notice)(\.(md|txt|markdown))?$/i;

interface PackageJson {
  name: string;
  version: string;
  license?: string | { type?: string };
  licenses?: Array<{ type?: string }>;
  repository?: string | { url?: string };
  homepage?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export interface ShippedPackage {
  name: string;
  version: string;
  license: string;
  repository?: string;
  /** Why it ships: runtime dependency, renderer bundle, or the shell. */
  shippedAs: 'runtime' | 'renderer' | 'shell';
  /** License/notice files the package carries, by file name. */
  licenseTexts: Array<{ file: string; text: string }>;
}

function findPackageJson(name: string, fromDirectory: string): string | undefined {
  let directory = fromDirectory;
  for (;;) {
    const candidate = join(directory, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

function declaredLicense(pkg: PackageJson): string {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license?.type) return pkg.license.type;
  const types = (pkg.licenses ?? []).map((entry) => entry.type).filter(Boolean);
  return types.length ? types.join(' OR ') : 'UNKNOWN';
}

function repositoryOf(pkg: PackageJson): string | undefined {
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  return (url ?? pkg.homepage)?.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** Every shipped package found under `projectDirectory`, sorted by name and version. */
export function collectShippedPackages(projectDirectory: string): ShippedPackage[] {
  const root = JSON.parse(
    readFileSync(join(projectDirectory, 'package.json'), 'utf8'),
  ) as PackageJson;
  const found = new Map<string, ShippedPackage>();

  const visit = (
    name: string,
    fromDirectory: string,
    shippedAs: ShippedPackage['shippedAs'],
    walk: boolean,
  ) => {
    const path = findPackageJson(name, fromDirectory);
    // Optional platform packages of other operating systems are not installed here, nor shipped.
    if (!path) return;
    const real = realpathSync(path);
    const pkg = JSON.parse(readFileSync(real, 'utf8')) as PackageJson;
    const key = `${pkg.name}@${pkg.version}`;
    if (found.has(key)) return;
    const directory = dirname(real);
    const licenseTexts = readdirSync(directory)
      .filter((file) => LICENSE_FILE.test(file))
      .sort()
      .map((file) => ({ file, text: readFileSync(join(directory, file), 'utf8').trim() }));
    found.set(key, {
      name: pkg.name,
      version: pkg.version,
      license: declaredLicense(pkg),
      repository: repositoryOf(pkg),
      shippedAs,
      licenseTexts,
    });
    if (!walk) return;
    for (const dependency of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }))
      visit(dependency, dirname(path), shippedAs, true);
  };

  for (const name of Object.keys(root.dependencies ?? {}))
    visit(name, projectDirectory, 'runtime', true);
  for (const name of RENDERER_BUNDLED) visit(name, projectDirectory, 'renderer', true);
  for (const name of SHELL_RUNTIME) visit(name, projectDirectory, 'shell', false);
  return [...found.values()].sort(
    (left, right) =>
      left.name.localeCompare(right.name) || left.version.localeCompare(right.version),
  );
}

const SHIPPED_AS_TEXT: Record<ShippedPackage['shippedAs'], string> = {
  runtime: 'runtime (node_modules in the app)',
  renderer: 'bundled into the UI',
  shell: 'application shell',
};

/** The notices file for `packages` (deterministic: same input, same bytes). */
export function renderNotices(packages: readonly ShippedPackage[]): string {
  const lines = [
    '# Third-party notices',
    '',
    'Spectra-Red is licensed under the GNU General Public License, version 2 or (at',
    'your option) any later version (see LICENSE). It ships the components below,',
    'each under its own license. This file is generated from node_modules by',
    '`npx tsx scripts/generate-third-party-notices.ts`; do not edit it by hand.',
    '',
    '- **restate-server** (`@restatedev/restate-server-linux-x64` and the other',
    '  platform packages) is under the Business Source License 1.1, not an open',
    '  source license. Its Additional Use Grant permits any use except offering a',
    '  "Public Restate Platform Service" (a managed service that lets third parties',
    "  register and invoke their own services through Restate's APIs); Spectra-Red",
    "  runs it privately on the analyst's machine, which the grant permits. Each",
    '  version changes to the Apache License 2.0 four years after its release. Its',
    '  full license and the notices of the Rust crates compiled into it follow below.',
    '- **nmap** is not bundled: it is an optional engine the analyst installs (its',
    '  own license applies).',
    '- **Electron** ships Chromium, Node.js and their third-party components; their',
    "  notices are in the `LICENSES.chromium.html` file of Electron's distribution,",
    '  which packaging copies beside the application.',
    '',
    '| Package | Version | License | Ships as | Source |',
    '| ------- | ------- | ------- | -------- | ------ |',
    ...packages.map(
      (pkg) =>
        `| ${pkg.name} | ${pkg.version} | ${pkg.license} | ${SHIPPED_AS_TEXT[pkg.shippedAs]} | ${pkg.repository ?? ''} |`,
    ),
    '',
    '## License texts',
    '',
  ];
  for (const pkg of packages) {
    lines.push(`### ${pkg.name} ${pkg.version} (${pkg.license})`, '');
    if (pkg.licenseTexts.length === 0) {
      lines.push(`No license file in the package; its package.json declares ${pkg.license}.`, '');
      continue;
    }
    for (const { file, text } of pkg.licenseTexts) {
      const fence = text.includes('```') ? '~~~~' : '```';
      lines.push(`${file}:`, '', fence + 'text', text, fence, '');
    }
  }
  return lines.join('\n');
}
