import { z } from 'zod';
import { ServerState } from './shell-contract.js';

/**
 * GET /api/operations: the durable engine's health, read by the host from
 * restate-server's admin SQL introspection (the page never reaches the admin
 * API). Durations are milliseconds, sizes bytes unless named `entries`.
 */

/** Invocations of one handler, grouped over everything the server still retains. */
export const HandlerOperations = z.object({
  service: z.string(),
  handler: z.string(),
  invocations: z.number().int().min(0),
  completed: z.number().int().min(0),
  /** Completed with a failure (a TerminalError or an exhausted retry policy). */
  failed: z.number().int().min(0),
  /** Not completed yet: pending, scheduled, running, suspended or backing off. */
  inFlight: z.number().int().min(0),
  /** Sum over the handler's invocations of the attempts that were retried. */
  retries: z.number().int().min(0),
  averageDurationMs: z.number().min(0).nullable(),
  maxDurationMs: z.number().min(0).nullable(),
  /** Journal entries per invocation. */
  averageJournalEntries: z.number().min(0),
  maxJournalEntries: z.number().int().min(0),
});
export type HandlerOperations = z.infer<typeof HandlerOperations>;

export const InvocationStatusCount = z.object({
  status: z.string(),
  count: z.number().int().min(0),
});
export type InvocationStatusCount = z.infer<typeof InvocationStatusCount>;

/** An invocation that is retrying right now, with the error it last met. */
export const RetryingInvocation = z.object({
  id: z.string(),
  service: z.string(),
  handler: z.string(),
  key: z.string().nullable(),
  retryCount: z.number().int().min(0),
  lastFailure: z.string().nullable(),
  modifiedAt: z.string().nullable(),
});
export type RetryingInvocation = z.infer<typeof RetryingInvocation>;

/** Durable state kept by one virtual object or workflow type. */
export const StateUsage = z.object({
  service: z.string(),
  keys: z.number().int().min(0),
  entries: z.number().int().min(0),
  bytes: z.number().int().min(0),
});
export type StateUsage = z.infer<typeof StateUsage>;

export const OperationsSnapshot = z.object({
  collectedAt: z.string(),
  serverState: ServerState,
  /** False when the admin query engine did not answer; the rest is then empty. */
  queryable: z.boolean(),
  error: z.string().optional(),
  totals: z.object({
    invocations: z.number().int().min(0),
    completed: z.number().int().min(0),
    failed: z.number().int().min(0),
    inFlight: z.number().int().min(0),
    retries: z.number().int().min(0),
    /** failed / completed, 0 when nothing completed. */
    failureRate: z.number().min(0).max(1),
  }),
  handlers: z.array(HandlerOperations),
  statuses: z.array(InvocationStatusCount),
  retrying: z.array(RetryingInvocation),
  journal: z.object({ entries: z.number().int().min(0), bytes: z.number().int().min(0) }),
  state: z.array(StateUsage),
});
export type OperationsSnapshot = z.infer<typeof OperationsSnapshot>;
