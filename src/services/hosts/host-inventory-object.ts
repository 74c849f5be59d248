import { SERVICE_NAMES } from '../../shared/service-contracts.js';
import * as restate from '@restatedev/restate-sdk';
import { z } from 'zod';
import {
  HostCveTriageRequest,
  hostCves,
  type HostPage,
  type HostRecord,
  type HostSightings,
} from '../../shared/host-inventory.js';
import { findingsOfBatch, type BatchResult } from '../../shared/campaign.js';
import { groupBy } from '../../shared/host-network.js';
import { findHost, readHost, readHostPage, recordHostSightings } from './host-inventory-store.js';
import { trustedBulkInput } from '../trusted-input.js';

/**
 * Every host any campaign saw, across campaigns, under one key (like
 * ThreatIndex), stored by network (host-inventory-store.ts), so recording a
 * batch rewrites only the networks it saw. Fed by recordBatchSightings for
 * every stored batch, scanned or imported. Handlers that touch a few hosts use
 * lazy state, so a call does not carry the whole inventory (restate-server
 * sends all of an object's state by default).
 */
export const hostInventoryObject = restate.object({
  name: SERVICE_NAMES.hostInventory,
  handlers: {
    record: restate.handlers.object.exclusive(
      { input: trustedBulkInput<HostSightings>(), ingressPrivate: true, enableLazyState: true },
      (context: restate.ObjectContext, sightings: HostSightings) =>
        recordHostSightings(context, sightings),
    ),

    /** A per-host verdict on one of the host's CVEs (false positive here, confirmed there). */
    triage: restate.handlers.object.exclusive(
      { input: restate.serde.schema(HostCveTriageRequest), enableLazyState: true },
      async (
        context: restate.ObjectContext,
        request: HostCveTriageRequest,
      ): Promise<HostRecord> => {
        const stored = await findHost(context, request.address);
        if (!stored)
          throw new restate.TerminalError(`no campaign has seen ${request.address}`, {
            errorCode: 404,
          });
        const { host } = stored;
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
        stored.save(updated);
        return updated;
      },
    ),

    /**
     * One page of hosts (see readHostPage); readers follow `next` to the end
     * (readAllHostPages). Every host in one answer passed Restate's ~32 MiB
     * limits at 45,000 hosts.
     */
    list: restate.handlers.object.shared(
      {
        input: restate.serde.schema(z.object({ after: z.string().max(200).optional() })),
        enableLazyState: true,
      },
      (context: restate.ObjectSharedContext, page: { after?: string }): Promise<HostPage> =>
        readHostPage(context, page.after),
    ),

    /** One host, or null when no campaign saw it. */
    get: restate.handlers.object.shared(
      { input: restate.serde.schema(z.string().min(1).max(64)), enableLazyState: true },
      (context: restate.ObjectSharedContext, address: string): Promise<HostRecord | null> =>
        readHost(context, address),
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
