import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { HostCveTriageRequest, HostRecord } from '../../../shared/host-inventory';
import type { SpectraBackend } from '../backend/spectra-backend';
import { useBackend } from './backend-context';
import { parseBackend } from './parse-backend';

export const HOSTS_POLL_MS = 5000;

export const hostKeys = {
  list: () => ['hosts', 'list'] as const,
  record: (address: string) => ['hosts', address] as const,
};

/** Every host any campaign saw; searched in the renderer (host-search). */
export function hostListQuery(backend: SpectraBackend) {
  return queryOptions({
    queryKey: hostKeys.list(),
    queryFn: async () => parseBackend(z.array(HostRecord), await backend.listHosts(), 'host list'),
    refetchInterval: HOSTS_POLL_MS,
  });
}

/** `null`: no campaign saw this address. */
export function hostRecordQuery(backend: SpectraBackend, address: string) {
  return queryOptions({
    queryKey: hostKeys.record(address),
    queryFn: async () =>
      parseBackend(HostRecord.nullable(), await backend.host(address), 'host record'),
    refetchInterval: HOSTS_POLL_MS,
  });
}

export function useHostList(enabled = true) {
  return useQuery({ ...hostListQuery(useBackend()), enabled });
}

export function useHostRecord(address: string) {
  return useQuery(hostRecordQuery(useBackend(), address));
}

/** A per-host verdict on one CVE; the host's record comes back with it. */
export function useTriageHostCve(address: string) {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationKey: ['hosts', address, 'triage'],
    mutationFn: async (request: Omit<HostCveTriageRequest, 'address'>) =>
      parseBackend(
        HostRecord,
        await backend.triageHostCve(HostCveTriageRequest.parse({ ...request, address })),
        'host record',
      ),
    onSuccess: (host) => {
      client.setQueryData(hostKeys.record(address), host);
      void client.invalidateQueries({ queryKey: hostKeys.list() });
    },
  });
}
