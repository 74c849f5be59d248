/**
 * How long the campaign workflow and the Scanner keep the journals of finished
 * invocations; every other service keeps none (SPECTRA_SERVICE_DEFAULTS,
 * src/main/cluster/service-defaults.ts). The last hour's campaigns can be read
 * step by step (bench/campaign-step-timing.ts, restate's invocation views),
 * and a batch's probe results, its largest journal entries, do not pile up
 * for a month.
 */
export const RECENT_JOURNAL_RETENTION = { hours: 1 } as const;
