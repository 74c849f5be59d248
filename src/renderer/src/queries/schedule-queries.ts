import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { ScheduleEntry, ScheduleRunNowAnswer } from '../../../shared/schedule';
import type {
  ScheduleCreateInput,
  ScheduleEditInput,
  SpectraBackend,
} from '../backend/spectra-backend';
import { useBackend } from './backend-context';
import { campaignKeys } from './campaign-queries';
import { parseBackend } from './parse-backend';

const RemoveAnswer = z.object({ removed: z.boolean() });

export const SCHEDULES_POLL_MS = 5000;

export const scheduleKeys = {
  list: () => ['schedules', 'list'] as const,
};

export function scheduleListQuery(backend: SpectraBackend) {
  return queryOptions({
    queryKey: scheduleKeys.list(),
    queryFn: async () =>
      parseBackend(z.array(ScheduleEntry), await backend.listSchedules(), 'schedule list'),
    refetchInterval: SCHEDULES_POLL_MS,
  });
}

export function useScheduleList() {
  return useQuery(scheduleListQuery(useBackend()));
}

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

/** Like a campaign submission: a retried idempotency key is the same schedule. */
export function useCreateSchedule() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationKey: ['schedules', 'create'],
    mutationFn: async (variables: { input: ScheduleCreateInput; idempotencyKey: string }) =>
      parseBackend(
        ScheduleEntry,
        await backend.createSchedule(variables.input, variables.idempotencyKey),
        'schedule',
      ),
    onSuccess: (schedule) => {
      client.setQueryData(scheduleKeys.list(), (entries: ScheduleEntry[] | undefined) =>
        upsertSchedule(entries ?? [], schedule),
      );
      void client.invalidateQueries({ queryKey: scheduleKeys.list() });
    },
  });
}

/** Succeeds once the schedule is gone (removed now, or already absent). */
export function useRemoveSchedule(scheduleId: string) {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationKey: ['schedules', scheduleId, 'remove'],
    mutationFn: async () =>
      parseBackend(RemoveAnswer, await backend.removeSchedule(scheduleId), 'remove answer'),
    onSuccess: () => {
      client.setQueryData(scheduleKeys.list(), (entries: ScheduleEntry[] | undefined) =>
        (entries ?? []).filter((entry) => entry.scheduleId !== scheduleId),
      );
    },
  });
}

/**
 * Edit, pause, resume and run now of one schedule. Each answer is the entry as
 * stored after the change, put in the list at once; "run now" also answers the
 * run it recorded (the campaign it started, or why none started).
 */
export function useScheduleControls(scheduleId: string) {
  const backend = useBackend();
  const client = useQueryClient();
  const store = (schedule: ScheduleEntry) => {
    client.setQueryData(scheduleKeys.list(), (entries: ScheduleEntry[] | undefined) =>
      upsertSchedule(entries ?? [], schedule),
    );
  };
  const edit = useMutation({
    mutationKey: ['schedules', scheduleId, 'edit'],
    mutationFn: async (input: ScheduleEditInput) =>
      parseBackend(ScheduleEntry, await backend.editSchedule(input), 'schedule'),
    onSuccess: store,
  });
  const pause = useMutation({
    mutationKey: ['schedules', scheduleId, 'pause'],
    mutationFn: async () =>
      parseBackend(ScheduleEntry, await backend.pauseSchedule(scheduleId), 'schedule'),
    onSuccess: store,
  });
  const resume = useMutation({
    mutationKey: ['schedules', scheduleId, 'resume'],
    mutationFn: async () =>
      parseBackend(ScheduleEntry, await backend.resumeSchedule(scheduleId), 'schedule'),
    onSuccess: store,
  });
  const runNow = useMutation({
    mutationKey: ['schedules', scheduleId, 'run-now'],
    // One key per click: a retried request is the same run, a second click another one.
    mutationFn: async (idempotencyKey: string) =>
      parseBackend(
        ScheduleRunNowAnswer,
        await backend.runScheduleNow(scheduleId, idempotencyKey),
        'run-now answer',
      ),
    onSuccess: (answer) => {
      store(answer.entry);
      // The campaign list gains the started campaign.
      void client.invalidateQueries({ queryKey: campaignKeys.list() });
    },
  });
  return { edit, pause, resume, runNow };
}
