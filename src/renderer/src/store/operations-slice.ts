import { OperationsSnapshot } from '../../../shared/operations';
import type { SpectraBackend } from '../backend/spectra-backend';
import type { SliceCreator } from './app-store';
import { idle, type Loadable } from './load-state';
import { errorMessage, parseBackend } from './parse-backend';

export interface OperationsSlice {
  operations: Loadable<OperationsSnapshot | null>;
  loadOperations(): Promise<void>;
}

export const createOperationsSlice =
  (backend: SpectraBackend): SliceCreator<OperationsSlice> =>
  (set) => ({
    operations: idle(null),
    async loadOperations() {
      set((state) => ({ operations: { ...state.operations, status: 'loading' } }));
      try {
        const value = parseBackend(
          OperationsSnapshot,
          await backend.operations(),
          'operations snapshot',
        );
        set({ operations: { status: 'ready', value, loadedAt: Date.now() } });
      } catch (error) {
        set((state) => ({
          operations: { ...state.operations, status: 'error', error: errorMessage(error) },
        }));
        throw error;
      }
    },
  });
