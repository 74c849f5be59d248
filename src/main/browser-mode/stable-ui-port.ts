import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomically } from '../host/data-dir.js';
import { reuseOrPickPort } from '../host/loopback-ports.js';

const UiPortFile = z.object({ port: z.number().int().min(1).max(65535) });

/** Where a data dir remembers its browser UI's port. */
export function uiPortFile(dataDir: string): string {
  return join(dataDir, 'ui-port.json');
}

/**
 * The browser UI's port for this data dir: the one it had last time when that
 * is still free, so a tab left open across a host restart reconnects at the
 * same address (like the host's other ports, kept in ports.json). An explicit
 * `--ui-port` wins and is remembered too.
 */
export async function chooseUiPort(dataDir: string, requested?: number): Promise<number> {
  const previous = readJsonFile(uiPortFile(dataDir), UiPortFile)?.port;
  const port = requested || (await reuseOrPickPort(previous, new Set()));
  writeJsonFileAtomically(uiPortFile(dataDir), { port });
  return port;
}
