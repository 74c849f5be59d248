/**
 * Where a campaign's time goes, step by step, read from restate-server's own
 * records (the admin API's SQL over sys_invocation and sys_journal), so it
 * measures the real run without instrumenting it.
 *
 *   node --import tsx bench/campaign-step-timing.ts --data-dir DIR --campaign ID
 *   node --import tsx bench/campaign-step-timing.ts --data-dir DIR --keep-batch-journals
 *
 * Needs the host on DIR running. Prints, relative to the workflow's start:
 * - the campaign's invocations that restate-server still lists once finished
 *   (the submit, the workflow, and the calls made with an idempotency key:
 *   batches, ThreatIntel updates, the host inventory), found by who invoked
 *   them, so the tail of a campaign just before is left out; grouped by
 *   handler with count, busy time (sum of running_at..completed_at) and span
 *   (first start to last end);
 * - each journal step of the workflow and of the scan batches (`ctx.run`
 *   names such as nmap and matching, and the other calls: locks, marks,
 *   results, index publishes), timed by the gap to the previous journal entry
 *   of the same invocation. The Scanner keeps its batches' journals only when
 *   told to (src/services/journal-retention.ts): `--keep-batch-journals`
 *   before the campaign does that.
 */
import { readRunningHostInfo } from '../src/main/host/data-dir.js';
import { RestateAdminClient } from '../src/main/host/restate-admin-client.js';
import { restateTransports } from '../src/main/host/ingress-transport.js';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface InvocationRow {
  id: string;
  target: string;
  invoked_by_id: string | null;
  created_at: string;
  running_at: string | null;
  completed_at: string | null;
}

interface JournalRow {
  id: string;
  index: number;
  entry_type: string;
  name: string | null;
  entry_lite_json: string | null;
  appended_at: string | null;
}

interface LiteEntry {
  Command?: Record<
    string,
    {
      name?: string;
      completion_id?: number;
      result_completion_id?: number;
      invocation_target?: Record<string, { name: string; key?: string; handler: string }>;
    }
  >;
  Notification?: { id?: { CompletionId?: number } };
}

async function main() {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      campaign: { type: 'string' },
      'keep-batch-journals': { type: 'boolean' },
    },
  });
  const dataDir = values['data-dir'];
  const campaignId = values.campaign;
  if (dataDir && values['keep-batch-journals']) {
    // Until the host registers its services again (its next start).
    await adminOf(dataDir).setJournalRetention('Scanner', '1h');
    process.stdout.write(`the Scanner of ${dataDir} keeps its batches' journals for an hour\n`);
    return;
  }
  if (!dataDir || !campaignId) {
    throw new Error(
      'usage: campaign-step-timing --data-dir DIR (--campaign ID | --keep-batch-journals)',
    );
  }
  await printCampaignStepTiming(dataDir, campaignId);
}

/** restate-server's admin API of the host running on `dataDir`. */
export function adminOf(dataDir: string): RestateAdminClient {
  const info = readRunningHostInfo(dataDir);
  if (!info) throw new Error(`no host is running on ${dataDir}`);
  return new RestateAdminClient(restateTransports(info).admin);
}

/**
 * Prints where campaign `campaignId` of the host running on `dataDir` spent its
 * time (see above). `npm run bench` prints it for a default campaign too.
 */
export async function printCampaignStepTiming(
  dataDir: string,
  campaignId: string,
  log: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Promise<void> {
  if (!/^[\w-]+$/.test(campaignId)) throw new Error(`not a campaign id: ${campaignId}`);
  const admin = adminOf(dataDir);
  const query = <Row>(sql: string): Promise<Row[]> => admin.query<Row>(sql);

  const columns = 'id, target, invoked_by_id, created_at, running_at, completed_at';
  const [workflow] = await query<InvocationRow>(
    `SELECT ${columns} FROM sys_invocation WHERE target = 'CampaignWorkflow/${campaignId}/run'`,
  );
  if (!workflow?.completed_at) throw new Error(`no completed workflow for ${campaignId}`);
  const start = Date.parse(workflow.created_at);
  const end = Date.parse(workflow.completed_at);
  const offset = (time: string | null) =>
    time ? ((Date.parse(time) - start) / 1000).toFixed(3) : '?';

  // The campaign's own invocations: the submit that started the workflow, the
  // workflow, and everything they and their callees called or sent. Another
  // campaign's tail and the CLI's reads of progress (from the ingress) are not.
  const candidates = await query<InvocationRow>(
    `SELECT ${columns} FROM sys_invocation WHERE created_at >= '${new Date(start - 1_000).toISOString()}' AND created_at <= '${workflow.completed_at}' ORDER BY created_at`,
  );
  const ours = new Set([workflow.id, ...(workflow.invoked_by_id ? [workflow.invoked_by_id] : [])]);
  // A caller is created before its callees, but rows of the same millisecond come in any
  // order: passes until one adds nothing.
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of candidates)
      if (!ours.has(row.id) && row.invoked_by_id && ours.has(row.invoked_by_id)) {
        ours.add(row.id);
        grew = true;
      }
  }
  const invocations = candidates.filter((row) => ours.has(row.id));
  const groups = new Map<string, InvocationRow[]>();
  for (const invocation of invocations) {
    const handler = invocation.target
      .replace(campaignId, 'ID')
      .replace(/^ThreatIntel\/[^/]+\//, 'ThreatIntel/CVE/');
    groups.set(handler, [...(groups.get(handler) ?? []), invocation]);
  }
  log(
    `campaign ${campaignId}: workflow ${((end - start) / 1000).toFixed(3)} s (created ${workflow.created_at})`,
  );
  log('\ninvocations (offsets in s from the workflow start):');
  log(
    `  ${'handler'.padEnd(40)} ${'count'.padStart(5)} ${'busy s'.padStart(8)} ${'first'.padStart(7)} ${'last end'.padStart(8)}`,
  );
  for (const [handler, rows] of groups) {
    const busy = rows.reduce(
      (sum, row) =>
        sum +
        (row.running_at && row.completed_at
          ? Date.parse(row.completed_at) - Date.parse(row.running_at)
          : 0),
      0,
    );
    const lastEnd =
      rows
        .map((row) => row.completed_at ?? '')
        .sort()
        .at(-1) ?? null;
    log(
      `  ${handler.padEnd(40)} ${String(rows.length).padStart(5)} ${(busy / 1000).toFixed(3).padStart(8)} ${offset(rows[0]!.created_at).padStart(7)} ${offset(lastEnd).padStart(8)}`,
    );
  }

  /**
   * Each command of an invocation's journal with how long it took: from its
   * entry to the notification completing it (a `ctx.run` step, a call).
   */
  const stepsOf = async (invocation: InvocationRow, label: string) => {
    const entries = await query<JournalRow>(
      `SELECT id, index, entry_type, name, entry_lite_json, appended_at FROM sys_journal WHERE id = '${invocation.id}' ORDER BY index`,
    );
    const completedAt = new Map<number, string>();
    const parsed = entries.map((entry) => {
      const lite = JSON.parse(entry.entry_lite_json ?? '{}') as LiteEntry;
      const completion = lite.Notification?.id?.CompletionId;
      if (completion !== undefined && entry.appended_at)
        completedAt.set(completion, entry.appended_at);
      return { entry, lite };
    });
    log(`\n${label} (${invocation.id}):`);
    if (entries.length === 0) {
      log('  (journal not kept: run --keep-batch-journals before the campaign)');
      return;
    }
    log(`  ${'at s'.padStart(8)} ${'took s'.padStart(8)}  step`);
    // Consecutive steps of the same kind (a batch's calls, one per CVE) are one line: count, longest.
    let previous: { at: string; took: number | undefined; what: string; count: number } | undefined;
    const flush = () => {
      if (!previous) return;
      const took = previous.took === undefined ? '' : previous.took.toFixed(3);
      const times = previous.count > 1 ? ` x${previous.count} (longest shown)` : '';
      log(`  ${previous.at.padStart(8)} ${took.padStart(8)}  ${previous.what}${times}`);
    };
    for (const { entry, lite } of parsed) {
      if (!lite.Command || !entry.appended_at) continue;
      const [kind, command] = Object.entries(lite.Command)[0] ?? ['?', {}];
      const completion = command.result_completion_id ?? command.completion_id;
      const done = completion !== undefined ? completedAt.get(completion) : undefined;
      const took = done ? (Date.parse(done) - Date.parse(entry.appended_at)) / 1000 : undefined;
      const target = Object.values(command.invocation_target ?? {})[0];
      const what = `${kind} ${
        command.name ? `"${command.name}"` : target ? `${target.name}/${target.handler}` : ''
      }`;
      if (previous && previous.what === what && kind === 'Call') {
        previous.count += 1;
        if (took !== undefined) previous.took = Math.max(previous.took ?? 0, took);
        continue;
      }
      flush();
      previous = { at: offset(entry.appended_at), took, what, count: 1 };
    }
    flush();
  };
  await stepsOf(workflow, 'workflow journal');
  const batches = groups.get('Scanner/scanBatch') ?? [];
  for (const batch of batches.slice(0, 2)) await stepsOf(batch, 'scan batch journal');
  if (batches.length > 2) log(`\n(${batches.length - 2} more batches not listed)`);
}

// Run as a script (not when the bench imports it).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
