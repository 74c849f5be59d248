import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStructuredLogger } from './structured-logger.js';

const directories: string[] = [];
afterEach(() => {
  while (directories.length) rmSync(directories.pop()!, { recursive: true, force: true });
});

function scratchFile(): string {
  const directory = mkdtempSync(join(tmpdir(), 'spectra-logger-'));
  directories.push(directory);
  return join(directory, 'logs', 'host.log');
}

describe('structured logger', () => {
  it('writes one JSON object per line with bindings, fields and the invocation id', () => {
    const file = scratchFile();
    const logger = createStructuredLogger({ file }).child({ component: 'services' });
    logger.info('Starting invocation.', { invocationId: 'inv_1', error: new Error('boom') });
    logger.debug('dropped below the minimum level');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'info',
      component: 'services',
      message: 'Starting invocation.',
      invocationId: 'inv_1',
      error: { name: 'Error', message: 'boom' },
    });
  });

  it('rotates the file to .1 instead of growing without bound', () => {
    const file = scratchFile();
    const logger = createStructuredLogger({ file, maxFileBytes: 2_000 });
    for (let index = 0; index < 100; index++)
      logger.info(`line ${index}`, { padding: 'x'.repeat(40) });
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(statSync(file).size).toBeLessThanOrEqual(2_000);
    expect(readFileSync(file, 'utf8')).toContain('line 99');
  });
});
