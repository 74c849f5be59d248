import {
  mutationOptions,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { z } from 'zod';
import { ThreatRecord, ThreatSummary, TriageRequest } from '../../../shared/threat';
import { RecheckResult } from '../../../shared/recheck';
import type { SpectraBackend } from '../backend/spectra-backend';
import { useBackend } from './backend-context';
import { parseBackend } from './parse-backend';

export const THREATS_POLL_MS = 10_000;
/** A record can change under the analyst (a re-check reopens it): its page follows it. */
export const THREAT_POLL_MS = 5000;

export const threatKeys = {
  list: () => ['threats', 'list'] as const,
  record: (cve: string) => ['threats', cve] as const,
};

/**
 * Every threat summary, unfiltered: filtering and sorting happen once, in the
 * renderer (threat-table-model), where with every row at hand they are instant.
 */
export function threatListQuery(backend: SpectraBackend) {
  return queryOptions({
    queryKey: threatKeys.list(),
    queryFn: async () =>
      parseBackend(z.array(ThreatSummary), await backend.listThreats({}), 'threat list'),
    refetchInterval: THREATS_POLL_MS,
  });
}

/** `null`: no record for this CVE. */
export function threatRecordQuery(backend: SpectraBackend, cve: string) {
  return queryOptions({
    queryKey: threatKeys.record(cve),
    queryFn: async () =>
      parseBackend(ThreatRecord.nullable(), await backend.threat(cve), 'threat record'),
    refetchInterval: THREAT_POLL_MS,
  });
}

export function useThreatList() {
  return useQuery(threatListQuery(useBackend()));
}

export function useThreatRecord(cve: string) {
  return useQuery(threatRecordQuery(useBackend(), cve));
}

export function useTriageThreat(cve: string) {
  return useMutation(triageMutation(useBackend(), useQueryClient(), cve));
}

/** Saves a triage; the record and its table row show the new state at once. */
export function triageMutation(backend: SpectraBackend, client: QueryClient, cve: string) {
  return mutationOptions({
    mutationKey: ['threats', cve, 'triage'],
    mutationFn: async (request: TriageRequest) =>
      parseBackend(
        ThreatRecord,
        await backend.triageThreat(cve, TriageRequest.parse(request)),
        'threat record',
      ),
    onSuccess: (record) => {
      client.setQueryData(threatKeys.record(cve), record);
      // The index catches up asynchronously; the table shows the new state now.
      client.setQueryData(threatKeys.list(), (rows: ThreatSummary[] | undefined) =>
        rows?.map((row) => (row.cve === cve ? { ...row, triageState: record.triage.state } : row)),
      );
    },
  });
}

/** Re-probes the threat's services now; the record (maybe reopened) is read again after. */
export function useRecheckThreat(cve: string) {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationKey: ['threats', cve, 'recheck'],
    mutationFn: async () =>
      parseBackend(RecheckResult, await backend.recheckThreat(cve), 're-check result'),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: threatKeys.record(cve) });
      void client.invalidateQueries({ queryKey: threatKeys.list() });
    },
  });
}
