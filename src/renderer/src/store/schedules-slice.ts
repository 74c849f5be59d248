import { z } from 'zod';
import { ScheduleEntry } from '../../../shared/schedule';
import type { ScheduleCreateInput } from '../../../shared/service-contracts';
import type { SpectraBackend } from '../backend/spectra-backend';
import type { SliceCreator } from './app-store';
import { idle, type Loadable } from './load-state';
import { errorMessage, parseBackend } from './parse-backend';

const RemoveAnswer = z.object({ removed: z.boolean() });

export type ScheduleCreation =
  | { status: 'idle' }
  | { status: 'creating'; idempotencyKey: string }
  | { status: 'created'; schedule: ScheduleEntry }
  | { status: 'error'; error: string };

export type ScheduleRemoval = { status: 'removing' } | { status: 'error'; error: string };

export interface SchedulesSlice {
  scheduleList: Loadable<ScheduleEntry[]>;
  scheduleCreation: ScheduleCreation;
  scheduleRemovals: Record<string, ScheduleRemoval>;
  loadSchedules(): Promise<void>;
  /** Like a campaign submission: once per idempotency key, a retried key is the same schedule. */
  createSchedule(
    input: ScheduleCreateInput,
    idempotencyKey: string,
  ): Promise<ScheduleEntry | undefined>;
  resetScheduleCreation(): void;
  /** True once the schedule is gone (removed now, or already absent). */
  removeSchedule(scheduleId: string): Promise<boolean>;
}

export const createSchedulesSlice =
  (backend: SpectraBackend): SliceCreator<SchedulesSlice> =>
  (set, get) => ({
    scheduleList: idle([]),
    scheduleCreation: { status: 'idle' },
    scheduleRemovals: {},

    async loadSchedules() {
      set((state) => ({ scheduleList: { ...state.scheduleList, status: 'loading' } }));
      try {
        const value = parseBackend(
          z.array(ScheduleEntry),
          await backend.listSchedules(),
          'schedule list',
        );
        set({ scheduleList: { status: 'ready', value, loadedAt: Date.now() } });
      } catch (error) {
        set((state) => ({
          scheduleList: { ...state.scheduleList, status: 'error', error: errorMessage(error) },
        }));
      }
    },

    async createSchedule(input, idempotencyKey) {
      if (get().scheduleCreation.status === 'creating') return undefined;
      set({ scheduleCreation: { status: 'creating', idempotencyKey } });
      try {
        const schedule = parseBackend(
          ScheduleEntry,
          await backend.createSchedule(input, idempotencyKey),
          'schedule',
        );
        set((state) => ({
          scheduleCreation: { status: 'created', schedule },
          scheduleList: {
            ...state.scheduleList,
            value: upsertSchedule(state.scheduleList.value, schedule),
          },
        }));
        return schedule;
      } catch (error) {
        set({ scheduleCreation: { status: 'error', error: errorMessage(error) } });
        return undefined;
      }
    },

    resetScheduleCreation() {
      set({ scheduleCreation: { status: 'idle' } });
    },

    async removeSchedule(scheduleId) {
      set((state) => ({
        scheduleRemovals: { ...state.scheduleRemovals, [scheduleId]: { status: 'removing' } },
      }));
      try {
        parseBackend(RemoveAnswer, await backend.removeSchedule(scheduleId), 'remove answer');
        set((state) => {
          const { [scheduleId]: _done, ...scheduleRemovals } = state.scheduleRemovals;
          return {
            scheduleRemovals,
            scheduleList: {
              ...state.scheduleList,
              value: state.scheduleList.value.filter((entry) => entry.scheduleId !== scheduleId),
            },
          };
        });
        return true;
      } catch (error) {
        set((state) => ({
          scheduleRemovals: {
            ...state.scheduleRemovals,
            [scheduleId]: { status: 'error', error: errorMessage(error) },
          },
        }));
        return false;
      }
    },
  });

/** Adds or replaces a schedule, keeping the list's order (next to fire first, finished last). */
export function upsertSchedule(
  entries: readonly ScheduleEntry[],
  schedule: ScheduleEntry,
): ScheduleEntry[] {
  const rest = entries.filter((entry) => entry.scheduleId !== schedule.scheduleId);
  const order = (left: ScheduleEntry, right: ScheduleEntry) => {
    if (left.nextRunAt !== right.nextRunAt) {
      if (left.nextRunAt === undefined) return 1;
      if (right.nextRunAt === undefined) return -1;
      return left.nextRunAt < right.nextRunAt ? -1 : 1;
    }
    return left.createdAt < right.createdAt ? -1 : left.createdAt > right.createdAt ? 1 : 0;
  };
  return [...rest, schedule].sort(order);
}
