import { createContext, createElement, useContext, type ReactNode } from 'react';
import type { SpectraBackend } from '../backend/spectra-backend';

const BackendContext = createContext<SpectraBackend | null>(null);

/** Gives queries and mutations the one backend client the composition root built. */
export function BackendProvider(props: { backend: SpectraBackend; children: ReactNode }) {
  return createElement(BackendContext.Provider, { value: props.backend }, props.children);
}

export function useBackend(): SpectraBackend {
  const backend = useContext(BackendContext);
  if (!backend) throw new Error('BackendProvider is missing');
  return backend;
}
