import { describe, expect, it } from 'vitest';
import { HOST_MALLOC_ENVIRONMENT, hostEnvironment } from './host-process-settings.js';

describe('the host’s malloc settings', () => {
  it('sets each one the analyst has not set', () => {
    expect(hostEnvironment({})).toEqual(HOST_MALLOC_ENVIRONMENT);
  });

  it('keeps a value the analyst set', () => {
    expect(hostEnvironment({ MALLOC_ARENA_MAX: '8' })).toEqual({
      ...HOST_MALLOC_ENVIRONMENT,
      MALLOC_ARENA_MAX: '8',
    });
  });
});
