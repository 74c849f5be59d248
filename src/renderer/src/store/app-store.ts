import { createContext, createElement, useContext, type ReactNode } from 'react';
import { createStore, useStore, type StateCreator, type StoreApi } from 'zustand';
import { createApprovalsSlice, type ApprovalsSlice } from './approvals-slice';
import {
  createCampaignDraftSlice,
  createRememberedFiltersSlice,
  type CampaignDraftSlice,
  type RememberedFiltersSlice,
} from './ui-slices';

/**
 * The one client-state store, built from feature slices (zustand's slices
 * pattern): only what the UI alone knows (filters, drafts, this session's
 * decisions). Server state lives in the query cache (src/renderer/src/queries).
 */
export type AppState = CampaignDraftSlice & ApprovalsSlice & RememberedFiltersSlice;

/** A slice sees the whole state but creates only its own part. */
export type SliceCreator<Slice> = StateCreator<AppState, [], [], Slice>;
export type AppStore = StoreApi<AppState>;

/**
 * A fresh store: the app makes one at start-up and each test its own, so no
 * state leaks between tests (zustand's testing guide resets stores the same way).
 */
export function createAppStore(initial: Partial<AppState> = {}): AppStore {
  return createStore<AppState>()((...parts) => ({
    ...createCampaignDraftSlice(...parts),
    ...createApprovalsSlice(...parts),
    ...createRememberedFiltersSlice(...parts),
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
