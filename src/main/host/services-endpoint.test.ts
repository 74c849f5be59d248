import { createHash } from 'node:crypto';
import * as restate from '@restatedev/restate-sdk';
import { createEndpointHandler as createFetchEndpointHandler } from '@restatedev/restate-sdk/fetch';
import { describe, expect, it } from 'vitest';
import { deploymentPath, hostLogLevel } from './services-endpoint.js';

const greeter = restate.service({
  name: 'Greeter',
  handlers: { greet: async (_context: restate.Context, name: string) => `hello ${name}` },
});
const counter = restate.object({
  name: 'Counter',
  handlers: { add: async (_context: restate.ObjectContext, amount: number) => amount },
});

describe('deploymentPath', () => {
  it("fingerprints the manifest restate-server's discovery request gets", async () => {
    // The SDK's fetch handler answers discovery as the endpoint does over HTTP.
    const discover = createFetchEndpointHandler({ services: [greeter, counter], logger: () => {} });
    const manifest = await (
      await discover(
        new Request('http://manifest.invalid/discover', {
          headers: { accept: 'application/vnd.restate.endpointmanifest.v4+json' },
        }),
      )
    ).text();
    expect(JSON.parse(manifest)).toMatchObject({
      services: [{ name: 'Greeter' }, { name: 'Counter' }],
    });
    const fingerprint = createHash('sha256').update(manifest).digest('hex').slice(0, 10);
    expect(await deploymentPath('1.2.3', [greeter, counter])).toBe(`/v1.2.3-${fingerprint}/`);
  });

  it('changes with the services and the version, not from call to call', async () => {
    const both = await deploymentPath('1.2.3', [greeter, counter]);
    expect(await deploymentPath('1.2.3', [greeter, counter])).toBe(both);
    expect(await deploymentPath('1.2.4', [greeter, counter])).not.toBe(both);
    expect(await deploymentPath('1.2.3', [greeter])).not.toBe(both);
  });
});

describe('hostLogLevel', () => {
  it("writes the SDK's per-invocation lines at debug, everything else at its level", () => {
    // The SDK's own lines come as JOURNAL; a handler's context.console as USER.
    expect(hostLogLevel({ level: 'info', source: 'JOURNAL' })).toBe('debug');
    expect(hostLogLevel({ level: 'debug', source: 'JOURNAL' })).toBe('debug');
    expect(hostLogLevel({ level: 'warn', source: 'JOURNAL' })).toBe('warn');
    expect(hostLogLevel({ level: 'error', source: 'JOURNAL' })).toBe('error');
    expect(hostLogLevel({ level: 'info', source: 'USER' })).toBe('info');
    expect(hostLogLevel({ level: 'info', source: 'SYSTEM' })).toBe('info');
    expect(hostLogLevel({ level: 'trace', source: 'USER' })).toBe('debug');
  });
});
