/**
 * How long the campaign workflow keeps the journals of finished invocations;
 * every other service keeps none (SPECTRA_SERVICE_DEFAULTS,
 * src/main/cluster/service-defaults.ts). The last hour's campaigns can be
 * read step by step (bench/campaign-step-timing.ts, restate's invocation
 * views); a workflow's journal is a few kilobytes.
 *
 * The Scanner keeps none: its journal holds each batch's probe results, the
 * largest entries a campaign writes. Kept for an hour, they made
 * restate-server's CPU per 4,096 x 100 campaign grow with each campaign of
 * that hour (alternating A/B over 14 campaigns each: median 1.52 s against
 * 1.32 s without, the last six 1.73 against 1.49 s). Finished batches stay
 * listed (Operations, sys_invocation) without their journals: the workflow
 * calls each with an idempotency key (batch-window.ts). A diagnostic run
 * keeps the journals through the admin API
 * (RestateAdminClient.setJournalRetention), as the bench does for the one
 * campaign it reads step by step.
 */
export const RECENT_JOURNAL_RETENTION = { hours: 1 } as const;
