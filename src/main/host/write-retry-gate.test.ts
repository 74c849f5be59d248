import { describe, expect, it } from 'vitest';
import { WriteRetryGate } from './write-retry-gate.js';

describe('WriteRetryGate', () => {
  it('lets writes through until one fails, then again only after the pause', () => {
    const gate = new WriteRetryGate(5_000);
    expect(gate.mayTry(1_000)).toBe(true);
    gate.failed(1_000);
    expect(gate.mayTry(5_999)).toBe(false);
    expect(gate.mayTry(6_000)).toBe(true);
    gate.failed(6_000);
    gate.succeeded();
    expect(gate.mayTry(6_001)).toBe(true);
  });
});
