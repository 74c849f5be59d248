import { dataDirLayout } from './host/data-dir.js';
import { createAllServices } from '../services/all-services.js';
import { findProjectResourcesDir } from '../services/vulnerabilities/knowledge-base.js';

/**
 * The services a host on `dataDir` serves: the bundled knowledge (from the
 * project's resources/, or the packaged app's resources path) plus the feeds
 * imported into that data dir. Shared by the CLI, Electron main and tests.
 */
export function servicesForDataDir(
  dataDir: string,
  resourcesDir: string = findProjectResourcesDir(),
) {
  return createAllServices({ resourcesDir, knowledgeDir: dataDirLayout(dataDir).knowledgeDir });
}
