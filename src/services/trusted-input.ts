import * as restate from '@restatedev/restate-sdk';

/**
 * The input serde of the internal handlers that carry a batch's bulk (its
 * stored result, host sightings, threat sightings, threats-table rows): plain
 * JSON, not checked against its zod schema again. Only this code base's own
 * services call them (they are ingressPrivate: the ingress does not reach
 * them), with values they built from data already validated where it came in
 * (a campaign request, an engine's parsed output, an imported file). Checking
 * megabytes per batch again at every hop cost the host ~130 ms of CPU per
 * 4,096 x 100 campaign, 4% of its CPU (a CPU profile of `spectra serve`).
 * Handlers the ingress reaches, and small internal ones, keep their schemas.
 */
export function trustedBulkInput<T>(): restate.Serde<T> {
  return restate.serde.json as restate.Serde<T>;
}
