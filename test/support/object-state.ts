import { expect } from 'vitest';
import type { Host } from '../../src/main/host/host-runtime.js';
import { unixSocketTransport } from '../../src/main/host/ingress-transport.js';

/**
 * A virtual object's state as restate-server holds it, through its admin API:
 * how tests write state "as an earlier version stored it" and check the layout
 * a handler left behind.
 */

/** Replaces the object's whole state (values are JSON, stored as bytes as the SDK's serde does). */
export async function writeObjectState(
  host: Host,
  service: string,
  key: string,
  state: Record<string, unknown>,
): Promise<void> {
  const admin = unixSocketTransport(host.layout.adminSocket);
  const bytes = (value: unknown) => [...Buffer.from(JSON.stringify(value))];
  const response = await admin.fetch(new URL(`/services/${service}/state`, admin.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      object_key: key,
      new_state: Object.fromEntries(
        Object.entries(state).map(([name, value]) => [name, bytes(value)]),
      ),
    }),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

/** The object's state entries (key, JSON value and its size), in key order. */
export async function readObjectState(
  host: Host,
  service: string,
  key: string,
): Promise<Array<{ key: string; value: unknown; bytes: number }>> {
  const rows = await host.admin.query<{ key: string; value_utf8: string }>(
    `SELECT key, value_utf8 FROM state WHERE service_name = '${service}' AND service_key = '${key}' ORDER BY key`,
  );
  return rows.map((row) => ({
    key: row.key,
    value: JSON.parse(row.value_utf8) as unknown,
    bytes: Buffer.byteLength(row.value_utf8),
  }));
}
