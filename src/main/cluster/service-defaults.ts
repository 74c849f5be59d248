import type * as restate from '@restatedev/restate-sdk';

/**
 * What the bundled restate-server's config file sets for a desktop host
 * (src/main/host/restate-server-config.ts), carried by the services
 * themselves: a cluster run by someone else then needs no Spectra-specific
 * server config. restate-server >= 1.4 applies these per service from the
 * deployment's manifest; a service's own options (the workflow's retention)
 * still win.
 */
export const SPECTRA_SERVICE_DEFAULTS = {
  // After an endpoint restarts or a worker dies, pending invocations must
  // resume within seconds, not after the server's one-minute default backoff.
  retryPolicy: {
    initialInterval: 100,
    exponentiationFactor: 2,
    maxInterval: 2_000,
    maxAttempts: 200,
    onMaxAttempts: 'pause',
  },
  // Reports live in object state, which never expires; this bounds how long
  // finished invocations' idempotency keys and results are kept. Their
  // journals are not kept (megabytes per campaign that restate-server kept
  // compacting; see restate-server-config.ts), except the workflow's for an
  // hour (src/services/journal-retention.ts).
  journalRetention: 0,
  idempotencyRetention: { days: 30 },
  inactivityTimeout: { minutes: 1 },
} satisfies restate.DefaultServiceOptions;
