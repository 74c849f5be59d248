import { describe, expect, it } from 'vitest';
import { assertNodeCanRunServices } from './services-node-version.js';

describe('assertNodeCanRunServices', () => {
  it('accepts Node 22 and newer and refuses older ones in one line', () => {
    expect(() => assertNodeCanRunServices('22.23.3')).not.toThrow();
    expect(() => assertNodeCanRunServices('24.0.0')).not.toThrow();
    expect(() => assertNodeCanRunServices('20.20.2')).toThrow(
      /^the services need Node.js >= 22 and this is 20.20.2; run through bin\/spectra.mjs/,
    );
  });
});
