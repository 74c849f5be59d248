import { z } from 'zod';
import { RematchResult } from '../../../shared/rematch';
import { ThreatRecord, ThreatSummary, TriageRequest } from '../../../shared/threat';
import type { SpectraBackend } from '../backend/spectra-backend';
import { DEFAULT_THREAT_QUERY, type ThreatQuery } from '../features/threats/threat-table-model';
import type { SliceCreator } from './app-store';
import { idle, type Loadable } from './load-state';
import { errorMessage, parseBackend } from './parse-backend';

export type TriageStatus =
  | { status: 'idle' | 'saving' | 'saved' }
  | { status: 'error'; error: string };

export interface ThreatsSlice {
  threatList: Loadable<ThreatSummary[]>;
  threatQuery: ThreatQuery;
  threatRecords: Record<string, Loadable<ThreatRecord | null>>;
  triageStatus: Record<string, TriageStatus>;
  loadThreats(): Promise<void>;
  setThreatQuery(patch: Partial<ThreatQuery>): void;
  loadThreat(cve: string): Promise<void>;
  triageThreat(cve: string, request: TriageRequest): Promise<boolean>;
  /** What the last "Re-match campaigns" did, or why it failed. */
  rematchStatus:
    | { status: 'idle' | 'running' }
    | { status: 'done'; result: RematchResult }
    | { status: 'error'; error: string };
  /** Matches every campaign's services against the current knowledge (after a feed import), then reloads. */
  rematchCampaigns(): Promise<void>;
}

export const createThreatsSlice =
  (backend: SpectraBackend): SliceCreator<ThreatsSlice> =>
  (set) => ({
    threatList: idle([]),
    threatQuery: DEFAULT_THREAT_QUERY,
    threatRecords: {},
    triageStatus: {},
    rematchStatus: { status: 'idle' },

    async rematchCampaigns() {
      set({ rematchStatus: { status: 'running' } });
      try {
        const result = parseBackend(RematchResult, await backend.rematchCampaigns(), 're-match');
        set({ rematchStatus: { status: 'done', result } });
      } catch (error) {
        set({ rematchStatus: { status: 'error', error: errorMessage(error) } });
      }
    },

    async loadThreats() {
      set((state) => ({ threatList: { ...state.threatList, status: 'loading' } }));
      try {
        // Filtering and sorting happen here, not on the server: with every row
        // at hand they are instant, and the list handler is one read either way.
        const value = parseBackend(
          z.array(ThreatSummary),
          await backend.listThreats({}),
          'threat list',
        );
        set({ threatList: { status: 'ready', value, loadedAt: Date.now() } });
      } catch (error) {
        set((state) => ({
          threatList: { ...state.threatList, status: 'error', error: errorMessage(error) },
        }));
      }
    },

    setThreatQuery(patch) {
      set((state) => ({ threatQuery: { ...state.threatQuery, ...patch } }));
    },

    async loadThreat(cve) {
      set((state) => ({
        threatRecords: {
          ...state.threatRecords,
          [cve]: { value: state.threatRecords[cve]?.value ?? null, status: 'loading' },
        },
      }));
      try {
        const value = parseBackend(
          ThreatRecord.nullable(),
          await backend.threat(cve),
          'threat record',
        );
        set((state) => ({
          threatRecords: {
            ...state.threatRecords,
            [cve]: { status: 'ready', value, loadedAt: Date.now() },
          },
        }));
      } catch (error) {
        set((state) => ({
          threatRecords: {
            ...state.threatRecords,
            [cve]: {
              value: state.threatRecords[cve]?.value ?? null,
              status: 'error',
              error: errorMessage(error),
            },
          },
        }));
      }
    },

    async triageThreat(cve, request) {
      set((state) => ({ triageStatus: { ...state.triageStatus, [cve]: { status: 'saving' } } }));
      try {
        const record = parseBackend(
          ThreatRecord,
          await backend.triageThreat(cve, TriageRequest.parse(request)),
          'threat record',
        );
        set((state) => ({
          triageStatus: { ...state.triageStatus, [cve]: { status: 'saved' } },
          threatRecords: {
            ...state.threatRecords,
            [cve]: { status: 'ready', value: record, loadedAt: Date.now() },
          },
          // The index catches up asynchronously; the table shows the new state now.
          threatList: {
            ...state.threatList,
            value: state.threatList.value.map((row) =>
              row.cve === cve ? { ...row, triageState: record.triage.state } : row,
            ),
          },
        }));
        return true;
      } catch (error) {
        set((state) => ({
          triageStatus: {
            ...state.triageStatus,
            [cve]: { status: 'error', error: errorMessage(error) },
          },
        }));
        return false;
      }
    },
  });
