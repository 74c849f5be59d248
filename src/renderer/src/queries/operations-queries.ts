import { queryOptions, useQuery } from '@tanstack/react-query';
import { OperationsSnapshot } from '../../../shared/operations';
import type { SpectraBackend } from '../backend/spectra-backend';
import { useBackend } from './backend-context';
import { parseBackend } from './parse-backend';

export const OPERATIONS_POLL_MS = 2000;

export function operationsQuery(backend: SpectraBackend) {
  return queryOptions({
    queryKey: ['operations'] as const,
    queryFn: async () =>
      parseBackend(OperationsSnapshot, await backend.operations(), 'operations snapshot'),
    refetchInterval: OPERATIONS_POLL_MS,
  });
}

export function useOperations() {
  return useQuery(operationsQuery(useBackend()));
}
