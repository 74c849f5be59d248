import { readFileSync, rmSync } from 'node:fs';
import { dataDirLayout } from './data-dir.js';
import { isHostProcessRunning } from './host-process.js';

/**
 * host.json left behind by a host that died: its pid is gone (or a zombie), or now belongs
 * to another process (see isHostProcessRunning). Removes it so it never
 * blocks a start; says whether it did.
 */
export function removeStaleHostInfo(dataDir: string, isAlive: (pid: number) => boolean): boolean {
  const info = readHostInfo(dataDir);
  if (!info) return false;
  const stale = !isHostProcessRunning(info, isAlive);
  if (stale) removeHostInfo(dataDir);
  return stale;
}

/**
 * host.json with only the fields this check needs: a file of an older layout
 * (another app version) must still be recognised as stale. Undefined when
 * missing or malformed.
 */
function readHostInfo(dataDir: string): { pid: number; processIdentity?: string } | undefined {
  try {
    const info = JSON.parse(readFileSync(dataDirLayout(dataDir).hostInfoFile, 'utf8')) as Record<
      string,
      unknown
    >;
    if (!Number.isInteger(info.pid)) return undefined;
    return {
      pid: info.pid as number,
      ...(typeof info.processIdentity === 'string' && { processIdentity: info.processIdentity }),
    };
  } catch {
    return undefined;
  }
}

function removeHostInfo(dataDir: string): void {
  rmSync(dataDirLayout(dataDir).hostInfoFile, { force: true });
}
