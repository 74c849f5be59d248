import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  nodeCanRunServices,
  SERVICES_MIN_NODE_MAJOR,
} from '../../main/host/services-node-version.js';

/** How to start a Node.js that can run the services (restate-sdk needs >= 22). */
export interface NodeCommand {
  command: string;
  environment: Record<string, string>;
}

export function nodeMajorVersion(version: string = process.versions.node): number {
  return Number(version.split('.')[0]);
}

/**
 * This Node when it is new enough; inside Electron (>= 35 bundles Node 22),
 * Electron itself run as Node; else the Node 22 the project installs as the
 * `node` npm package.
 */
export function nodeForServices(projectRoot: string): NodeCommand {
  if (process.versions.electron) {
    return { command: process.execPath, environment: { ELECTRON_RUN_AS_NODE: '1' } };
  }
  if (nodeCanRunServices()) return { command: process.execPath, environment: {} };
  const bundledNode = join(projectRoot, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bundledNode)) {
    throw new Error(
      `Node.js ${process.version} is too old (need >= ${SERVICES_MIN_NODE_MAJOR}) and the bundled Node is missing; run \`npm install\` in ${projectRoot}`,
    );
  }
  return { command: bundledNode, environment: {} };
}
