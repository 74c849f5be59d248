/** @restatedev/restate-sdk 1.17 calls Promise.withResolvers: Node.js >= 22 (Electron >= 35 bundles it). */
export const SERVICES_MIN_NODE_MAJOR = 22;

/** Whether this Node (or the given version) can run the services: the one place that holds the rule. */
export function nodeCanRunServices(version: string = process.versions.node): boolean {
  return Number(version.split('.')[0]) >= SERVICES_MIN_NODE_MAJOR;
}

/**
 * Refuses to start the services on an older Node, where every invocation
 * would fail and be retried forever, with one line that says what to do.
 */
export function assertNodeCanRunServices(version: string = process.versions.node): void {
  if (nodeCanRunServices(version)) return;
  throw new Error(
    `the services need Node.js >= ${SERVICES_MIN_NODE_MAJOR} and this is ${version}; run through bin/spectra.mjs, which starts the project's Node 22`,
  );
}
