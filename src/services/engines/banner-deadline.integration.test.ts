import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_DEFAULTS, scanWithBuiltinEngine } from './builtin-engine.js';

/**
 * A service that sends one byte every 30 ms: each byte used to re-arm the
 * banner grab's settle timer, keeping one probe alive for minutes. The grab
 * has a hard deadline now, whatever the peer sends.
 */
const DRIP_HOST = '127.31.0.1';
const DRIP_INTERVAL_MS = 30;
/** The drip stops by itself after this, so the test ends even if the scanner never hangs up. */
const DRIP_LIMIT_MS = 15_000;

let server: Server;
let port: number;
const closedAfterMs: number[] = [];

beforeAll(async () => {
  server = createServer((socket: Socket) => {
    const connectedAt = performance.now();
    const drip = setInterval(() => socket.write('x'), DRIP_INTERVAL_MS);
    const limit = setTimeout(() => socket.end(), DRIP_LIMIT_MS);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      clearTimeout(limit);
      closedAfterMs.push(performance.now() - connectedAt);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, DRIP_HOST, resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('banner grab deadline against a dripping service', () => {
  it('ends the probe at the default deadline and reports the port open', async () => {
    closedAfterMs.length = 0;
    const started = performance.now();
    const result = await scanWithBuiltinEngine({ hosts: [DRIP_HOST], ports: [port] });
    const elapsed = performance.now() - started;
    expect(result.observations).toHaveLength(1);
    expect(result.observations[0]).toMatchObject({ host: DRIP_HOST, port, state: 'open' });
    expect(result.observations[0]!.banner).toMatch(/^x+/);
    expect(elapsed).toBeGreaterThanOrEqual(BUILTIN_DEFAULTS.bannerDeadlineMs - 50);
    expect(elapsed).toBeLessThan(BUILTIN_DEFAULTS.bannerDeadlineMs + 1_000);
    // The scanner hung up: the service saw its connection close at the deadline.
    await expect.poll(() => closedAfterMs.length).toBe(1);
    expect(closedAfterMs[0]).toBeLessThan(BUILTIN_DEFAULTS.bannerDeadlineMs + 1_000);
  });

  it('honours a shorter deadline for every probe of a concurrent scan', async () => {
    closedAfterMs.length = 0;
    const started = performance.now();
    // The same port five times over: five concurrent grabs of the drip.
    const result = await scanWithBuiltinEngine({
      hosts: [DRIP_HOST],
      ports: [port, port, port, port, port],
      bannerDeadlineMs: 500,
    });
    const elapsed = performance.now() - started;
    expect(result.observations).toHaveLength(5);
    expect(elapsed).toBeLessThan(1_500);
    await expect.poll(() => closedAfterMs.length).toBe(5);
    for (const closed of closedAfterMs) expect(closed).toBeLessThan(1_500);
  });
});
