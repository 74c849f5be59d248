#!/usr/bin/env node
// `npm start`: the Electron app where Electron's binary is installed, browser
// mode (the same host, UI on 127.0.0.1) where it is not.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(projectRoot, 'node_modules', '.bin');

function electronBinaryInstalled() {
  const pathFile = join(projectRoot, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return false;
  return existsSync(
    join(projectRoot, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim()),
  );
}

function run(command, args) {
  const child = spawn(command, args, { stdio: 'inherit', cwd: projectRoot });
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (electronBinaryInstalled()) {
  run(join(binDir, 'electron-vite'), ['preview']);
} else {
  process.stdout.write(
    'Electron binary not installed (to install it: npm install-scripts approve electron && npm rebuild electron); starting browser mode instead.\n',
  );
  const build = spawnSync(join(binDir, 'electron-vite'), ['build', '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: projectRoot,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  // The `spectra` command itself: it picks the host's Node and malloc settings.
  run(join(projectRoot, 'bin', 'spectra'), ['serve', ...process.argv.slice(2)]);
}
