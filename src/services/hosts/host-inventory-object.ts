import { SERVICE_NAMES } from '../../shared/service-contracts.js';
import * as restate from '@restatedev/restate-sdk';
import { z } from 'zod';
import {
  HostCveTriageRequest,
  hostCves,
  HostSightings,
  mergeHostSighting,
  type HostRecord,
} from '../../shared/host-inventory.js';
import { compareAddresses } from '../../shared/address-intervals.js';
import { findingsOfBatch, type BatchResult } from '../../shared/campaign.js';
import { readStateEntries, readStateValues } from '../state-entries.js';

const ENTRY_PREFIX = 'host:';

/**
 * Every host any campaign saw, across campaigns: one state entry per address
 * under one key (like ThreatIndex), so recording a batch rewrites only the
 * hosts it saw. Fed by recordBatchSightings for every stored batch, scanned or imported.
 * Handlers that touch a few hosts use lazy state, so a call does not carry the
 * whole inventory (restate-server sends all of an object's state by default).
 */
export const hostInventoryObject = restate.object({
  name: SERVICE_NAMES.hostInventory,
  handlers: {
    record: restate.handlers.object.exclusive(
      { input: restate.serde.schema(HostSightings), ingressPrivate: true, enableLazyState: true },
      async (context: restate.ObjectContext, sightings: HostSightings) => {
        // All reads at once: a read the server did not send with the call is a round trip each.
        const existing = await readStateValues<HostRecord>(
          context,
          sightings.hosts.map((sighting) => ENTRY_PREFIX + sighting.address),
        );
        // An address listed twice (an imported file can) merges into what this call already wrote.
        const written = new Map<string, HostRecord>();
        sightings.hosts.forEach((sighting, index) => {
          const key = ENTRY_PREFIX + sighting.address;
          const before = written.get(key) ?? existing[index] ?? undefined;
          const merged = mergeHostSighting(before, sighting, sightings.campaignId, sightings.at);
          written.set(key, merged);
          context.set(key, merged);
        });
      },
    ),

    /** A per-host verdict on one of the host's CVEs (false positive here, confirmed there). */
    triage: restate.handlers.object.exclusive(
      { input: restate.serde.schema(HostCveTriageRequest), enableLazyState: true },
      async (
        context: restate.ObjectContext,
        request: HostCveTriageRequest,
      ): Promise<HostRecord> => {
        const key = ENTRY_PREFIX + request.address;
        const host = await context.get<HostRecord>(key);
        if (!host)
          throw new restate.TerminalError(`no campaign has seen ${request.address}`, {
            errorCode: 404,
          });
        if (!hostCves(host).some((cve) => cve.cve === request.cve))
          throw new restate.TerminalError(`${request.cve} was not found on ${request.address}`, {
            errorCode: 400,
          });
        const updated: HostRecord = {
          ...host,
          cveTriage: {
            ...host.cveTriage,
            [request.cve]: {
              state: request.state,
              ...(request.note ? { note: request.note } : {}),
              ...(request.actor ? { actor: request.actor } : {}),
              at: await context.date.toJSON(),
            },
          },
        };
        context.set(key, updated);
        return updated;
      },
    ),

    /** Every host, in address order. */
    list: restate.handlers.object.shared(
      async (context: restate.ObjectSharedContext): Promise<HostRecord[]> =>
        (await readStateEntries<HostRecord>(context, ENTRY_PREFIX)).sort((left, right) =>
          compareAddresses(left.address, right.address),
        ),
    ),

    /** One host, or null when no campaign saw it. */
    get: restate.handlers.object.shared(
      { input: restate.serde.schema(z.string().min(1).max(64)), enableLazyState: true },
      async (context: restate.ObjectSharedContext, address: string): Promise<HostRecord | null> =>
        (await context.get<HostRecord>(ENTRY_PREFIX + address)) ?? null,
    ),
  },
});
export type HostInventoryObject = typeof hostInventoryObject;

/**
 * What a stored batch tells the inventory: each reachable host with its open
 * ports (service, product, version, banner) and the CVEs matched on them.
 */
export function hostSightingsOf(campaignId: string, batch: BatchResult): HostSightings {
  // Grouped once by host and by service: a batch has hundreds of hosts and observations.
  const openPortsByHost = groupBy(
    batch.observations.filter((observation) => observation.state === 'open'),
    (observation) => observation.host,
  );
  const findingsByService = groupBy(
    findingsOfBatch(batch),
    (finding) => `${finding.host}:${finding.port}`,
  );
  const reachable = batch.hosts.filter((host) => host.reachable || host.open > 0);
  return {
    campaignId,
    at: batch.finishedAt,
    hosts: reachable.map((host) => ({
      address: host.host,
      ...(host.hostname ? { hostname: host.hostname } : {}),
      ports: (openPortsByHost.get(host.host) ?? []).map((observation) => ({
        port: observation.port,
        ...(observation.service ? { service: observation.service } : {}),
        ...(observation.product ? { product: observation.product } : {}),
        ...(observation.version ? { version: observation.version } : {}),
        ...(observation.banner ? { banner: observation.banner } : {}),
        cves: (findingsByService.get(`${host.host}:${observation.port}`) ?? []).map((finding) => ({
          cve: finding.cve,
          severity: finding.severity,
          cvssScore: finding.cvssScore,
        })),
      })),
    })),
  };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
