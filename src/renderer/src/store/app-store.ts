import { createContext, createElement, useContext, type ReactNode } from 'react';
import { createStore, useStore, type StateCreator, type StoreApi } from 'zustand';
import type { SpectraBackend } from '../backend/spectra-backend';
import { createApprovalsSlice, type ApprovalsSlice } from './approvals-slice';
import { createCampaignsSlice, type CampaignsSlice } from './campaigns-slice';
import { createOperationsSlice, type OperationsSlice } from './operations-slice';
import { createSchedulesSlice, type SchedulesSlice } from './schedules-slice';
import { createThreatsSlice, type ThreatsSlice } from './threats-slice';

/** The one store, built from feature slices (zustand's slices pattern). */
export type AppState = CampaignsSlice &
  ThreatsSlice &
  OperationsSlice &
  ApprovalsSlice &
  SchedulesSlice;

/** A slice sees the whole state but creates only its own part. */
export type SliceCreator<Slice> = StateCreator<AppState, [], [], Slice>;

export type AppStore = StoreApi<AppState>;

/**
 * A fresh store: the app makes one at start-up and each test its own, so no
 * state leaks between tests (zustand's testing guide resets stores the same way).
 */
export function createAppStore(backend: SpectraBackend, initial: Partial<AppState> = {}): AppStore {
  return createStore<AppState>()((...parts) => ({
    ...createCampaignsSlice(backend)(...parts),
    ...createThreatsSlice(backend)(...parts),
    ...createOperationsSlice(backend)(...parts),
    ...createApprovalsSlice(backend)(...parts),
    ...createSchedulesSlice(backend)(...parts),
    ...initial,
  }));
}

const StoreContext = createContext<AppStore | null>(null);

export function StoreProvider(props: { store: AppStore; children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: props.store }, props.children);
}

export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreProvider is missing');
  return store;
}

/** Subscribe to one field (or a stable derived value): re-renders only when it changes. */
export function useAppStore<Selected>(selector: (state: AppState) => Selected): Selected {
  return useStore(useAppStoreApi(), selector);
}
