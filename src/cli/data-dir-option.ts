import { resolve } from 'node:path';
import { defaultCliDataDir } from '../main/host/data-dir.js';
import { stringOption, type ParsedCommand } from './command.js';

export function resolveDataDir(parsed: ParsedCommand): string {
  const explicit = stringOption(parsed, 'data-dir');
  return explicit ? resolve(explicit) : defaultCliDataDir();
}
