/**
 * Journal size of a 65,536-host campaign submitted as a pasted list (one
 * address per line, ~1 MB of text): starts a temporary host, submits, lets
 * the campaign scan until `--batches N` batches are done (or it finishes),
 * then prints the largest journal entry, the workflow's journal size and the
 * whole journal from restate-server's admin SQL (`sys_journal`), and cancels.
 *
 *   npx tsx scripts/campaign-journal-size.ts [--root DIR] [--batches 40] [--batch-size 50]
 *
 * `--root` runs another checkout's code (to measure a previous version).
 * Probes go only to 127.64.0.0/16 port 9, where nothing listens.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { callOptions, connectSpectra } from '../src/clients/service-clients.js';
import { urlTransport, type IngressTransport } from '../src/main/host/ingress-transport.js';
import type { CampaignRequest } from '../src/shared/campaign.js';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: resolve(import.meta.dirname, '..') },
    batches: { type: 'string', default: '40' },
    /** A fixed batch size (the previous default was 50); adaptive when left out. */
    'batch-size': { type: 'string' },
  },
});
const root = resolve(values.root!);
const batchesWanted = Number(values.batches);

/** The host of either version: its ingress over a Unix socket (now) or at a URL (earlier versions). */
type MeasuredHost = {
  admin: { query: (sql: string) => Promise<Array<Record<string, unknown>>> };
  dispose: () => Promise<void>;
} & ({ ingress: IngressTransport } | { ingressUrl: string });

const support = (await import(`${root}/test/support/temporary-host.ts`)) as {
  startTemporaryAppHost: () => Promise<MeasuredHost>;
  waitFor: <T>(what: string, condition: () => T | PromiseLike<T>, timeoutMs?: number) => Promise<T>;
};

const targets: string[] = [];
for (let third = 0; third < 256; third++)
  for (let fourth = 0; fourth < 256; fourth++) targets.push(`127.64.${third}.${fourth}`);
const request: CampaignRequest = {
  name: 'journal size: 65,536 pasted addresses',
  targets: targets.join('\n'),
  ports: '9',
  scope: '127.64.0.0/16',
  engine: 'builtin',
  approval: 'auto',
  approvalPolicy: { maxHosts: 100_000 },
  connectTimeoutMs: 200,
  ...(values['batch-size'] !== undefined && { batchSize: Number(values['batch-size']) }),
};

const host = await support.startTemporaryAppHost();
try {
  // The current typed client: the handlers used here kept their names and shapes across versions.
  const services = connectSpectra('ingress' in host ? host.ingress : urlTransport(host.ingressUrl));
  const started = Date.now();
  const submitted = await services
    .campaigns()
    .submit(request, callOptions({ idempotencyKey: 'journal-size' }));
  const { campaignId } = submitted;
  process.stdout.write(
    `submitted ${campaignId}: ${targets.length} hosts, ${submitted.batchCount} batches, request ${(JSON.stringify(request).length / 1024).toFixed(0)} KiB\n`,
  );
  const progress = () => services.campaignWorkflow(campaignId).progress();
  await support.waitFor(
    `${batchesWanted} batches done`,
    async () => {
      const current = await progress();
      const done = current?.batches.filter((batch) => batch.state === 'done').length ?? 0;
      return done >= batchesWanted || ['completed', 'failed'].includes(current?.state ?? '');
    },
    600_000,
  );
  const done = (await progress())?.batches.filter((batch) => batch.state === 'done').length ?? 0;
  const rows = await host.admin.query(
    `SELECT i.target_service_name AS service, i.target_handler_name AS handler,
       COUNT(*) AS entries, SUM(j.raw_length) AS bytes, MAX(j.raw_length) AS largest
     FROM sys_journal j JOIN sys_invocation i ON j.id = i.id
     GROUP BY i.target_service_name, i.target_handler_name ORDER BY bytes DESC`,
  );
  const largest = await host.admin.query(
    `SELECT i.target_service_name AS service, j.entry_type AS type, j.name AS name, j.raw_length AS bytes
     FROM sys_journal j JOIN sys_invocation i ON j.id = i.id ORDER BY j.raw_length DESC LIMIT 3`,
  );
  const total = rows.reduce((sum, row) => sum + Number(row.bytes), 0);
  const workflow = rows.find((row) => row.service === 'CampaignWorkflow' && row.handler === 'run');
  const mib = (bytes: unknown) => `${(Number(bytes) / 2 ** 20).toFixed(2)} MiB`;
  process.stdout.write(
    `after ${done} batches done (${((Date.now() - started) / 1000).toFixed(1)} s):\n`,
  );
  for (const row of rows)
    process.stdout.write(
      `  ${String(row.service)}.${String(row.handler)}: ${String(row.entries)} entries, ${mib(row.bytes)}, largest ${mib(row.largest)}\n`,
    );
  for (const row of largest)
    process.stdout.write(
      `  largest entry: ${mib(row.bytes)} (${String(row.service)} ${String(row.type)} ${String(row.name ?? '')})\n`,
    );
  process.stdout.write(
    `journal: ${mib(total)} in all; workflow journal ${mib(workflow?.bytes ?? 0)}; largest entry ${mib(largest[0]?.bytes ?? 0)}\n`,
  );
  await services.campaignWorkflow(campaignId).cancel('journal size measured');
} finally {
  await host.dispose();
}
