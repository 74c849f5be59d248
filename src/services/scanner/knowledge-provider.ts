import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  importsDirectory,
  loadKnowledgeBase,
  type KnowledgeBase,
} from '../vulnerabilities/knowledge-base.js';

export interface KnowledgeLocations {
  resourcesDir: string;
  knowledgeDir: string;
}

/**
 * The vulnerability knowledge for this process: loaded once, and again only
 * when the imports folder changes (an analyst imported or removed a feed),
 * so matching a batch costs no file reads.
 */
export function createKnowledgeProvider(
  locations: KnowledgeLocations,
): () => Promise<KnowledgeBase> {
  let cached: { signature: string; knowledge: Promise<KnowledgeBase> } | undefined;
  return () => {
    const signature = importsSignature(locations.knowledgeDir);
    if (!cached || cached.signature !== signature) {
      const knowledge = loadKnowledgeBase(locations);
      cached = { signature, knowledge };
      // A failed load must not stick: the next batch tries again.
      knowledge.catch(() => {
        if (cached?.knowledge === knowledge) cached = undefined;
      });
    }
    return cached.knowledge;
  };
}

function importsSignature(knowledgeDir: string): string {
  try {
    const directory = importsDirectory(knowledgeDir);
    return readdirSync(directory)
      .sort()
      .map((name) => `${name}:${statSync(join(directory, name)).mtimeMs}`)
      .join('|');
  } catch {
    return 'none';
  }
}
