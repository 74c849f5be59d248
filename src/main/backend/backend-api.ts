import type { Host } from '../host/host-runtime.js';
import type { IngressTransport } from '../host/ingress-transport.js';
import type { RestateAdminClient } from '../host/restate-admin-client.js';
import {
  HandlerOperations,
  InvocationStatusCount,
  OperationsSnapshot,
  RetryingInvocation,
  StateUsage,
} from '../../shared/operations.js';
import type { HostHealth, ServerState } from '../../shared/shell-contract.js';
import { handleInteropApi } from './interop-api.js';

/**
 * The host's own read-only API for the renderer: what the ingress cannot
 * answer, such as the server's health and operations metrics from the admin
 * API (which the page must never reach directly). Fetch-style so both shells
 * use it as is: browser mode behind its guarded proxy, Electron behind its
 * privileged `app://` scheme.
 */
export async function handleBackendApi(host: Host, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (request.method === 'GET' && path === '/api/health') {
    const health: HostHealth = {
      serverState: host.serverState(),
      dataDirProblem: host.diskFault()?.message ?? null,
    };
    return jsonResponse(200, health);
  }
  if (request.method === 'GET' && path === '/api/operations') {
    return jsonResponse(200, await collectOperations(host.admin, host.serverState()));
  }
  const interop = await handleInteropApi(host.ingress, request, host.appVersion);
  if (interop) return interop;
  return jsonResponse(404, { error: `unknown API path ${path}` });
}

/**
 * Forwards `/ingress/<rest>` to restate-server's ingress (over its Unix
 * socket). Only the headers the Restate clients need pass; cookies and the
 * like never reach the server. The upstream URL is built with `URL`, never by
 * joining strings, so a path such as `//user@host/x` stays a path.
 */
export async function forwardToIngress(
  ingress: IngressTransport,
  request: Request,
): Promise<Response> {
  const url = new URL(request.url);
  const target = upstreamIngressUrl(ingress.url, url);
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'accept', 'idempotency-key']) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  try {
    const upstream = await ingress.fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
    });
    return new Response(await upstream.arrayBuffer(), {
      status: upstream.status,
      headers: {
        'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    return new Response(`ingress unreachable: ${(error as Error).message}`, { status: 502 });
  }
}

/** `/ingress/<rest>?query` of the page's origin → `<ingress base>/<rest>?query`. */
export function upstreamIngressUrl(ingressBase: string, pageUrl: URL): URL {
  const target = new URL(ingressBase);
  target.pathname = pageUrl.pathname.slice('/ingress'.length);
  target.search = pageUrl.search;
  return target;
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

/** Retrying invocations listed at most; the panel shows the worst ones. */
const RETRYING_SHOWN = 20;

const HANDLERS_SQL = `
  SELECT target_service_name AS service, target_handler_name AS handler,
    COUNT(*) AS invocations,
    SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
    SUM(CASE WHEN status = 'completed' AND completion_failure IS NOT NULL THEN 1 ELSE 0 END) AS failed,
    COALESCE(SUM(retry_count), 0) AS retries,
    AVG(CASE WHEN status = 'completed'
      THEN CAST(completed_at AS BIGINT) - CAST(created_at AS BIGINT) END) AS average_ms,
    MAX(CASE WHEN status = 'completed'
      THEN CAST(completed_at AS BIGINT) - CAST(created_at AS BIGINT) END) AS max_ms,
    COALESCE(AVG(journal_size), 0) AS average_journal,
    COALESCE(MAX(journal_size), 0) AS max_journal
  FROM sys_invocation
  GROUP BY target_service_name, target_handler_name`;

const STATUSES_SQL = `SELECT status, COUNT(*) AS count FROM sys_invocation GROUP BY status`;

const RETRYING_SQL = `
  SELECT id, target_service_name AS service, target_handler_name AS handler,
    target_service_key AS key, retry_count, last_failure, modified_at
  FROM sys_invocation
  WHERE status <> 'completed' AND retry_count > 0
  ORDER BY retry_count DESC
  LIMIT ${RETRYING_SHOWN}`;

const JOURNAL_SQL = `SELECT COUNT(*) AS entries, COALESCE(SUM(raw_length), 0) AS bytes FROM sys_journal`;

const STATE_SQL = `
  SELECT service_name AS service, COUNT(DISTINCT service_key) AS keys, COUNT(*) AS entries,
    COALESCE(SUM(value_length), 0) AS bytes
  FROM state
  GROUP BY service_name`;

type Row = Record<string, unknown>;

function count(value: unknown): number {
  const number = Number(value ?? 0);
  return Number.isFinite(number) ? Math.max(0, Math.round(number)) : 0;
}

function optionalNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = Number(value);
  return Number.isFinite(number) ? Math.max(0, number) : null;
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The Operations panel's data: what the admin query engine says about every
 * invocation the server retains, the journal and the state store. Admin
 * answers are parsed into the shared schema, so the page gets one checked
 * shape whatever the server version returns; a server that cannot answer
 * yields `queryable: false` rather than an error page.
 */
export async function collectOperations(
  admin: Pick<RestateAdminClient, 'query'>,
  serverState: ServerState,
  now: () => Date = () => new Date(),
): Promise<OperationsSnapshot> {
  const collectedAt = now().toISOString();
  try {
    const [handlerRows, statusRows, retryingRows, journalRows, stateRows] = await Promise.all([
      admin.query<Row>(HANDLERS_SQL),
      admin.query<Row>(STATUSES_SQL),
      admin.query<Row>(RETRYING_SQL),
      admin.query<Row>(JOURNAL_SQL),
      admin.query<Row>(STATE_SQL),
    ]);
    const handlers = handlerRows
      .map((row) => {
        const invocations = count(row.invocations);
        const completed = count(row.completed);
        return HandlerOperations.parse({
          service: String(row.service ?? ''),
          handler: String(row.handler ?? ''),
          invocations,
          completed,
          failed: count(row.failed),
          inFlight: Math.max(0, invocations - completed),
          retries: count(row.retries),
          averageDurationMs: optionalNumber(row.average_ms),
          maxDurationMs: optionalNumber(row.max_ms),
          averageJournalEntries: optionalNumber(row.average_journal) ?? 0,
          maxJournalEntries: count(row.max_journal),
        });
      })
      .sort(
        (left, right) =>
          left.service.localeCompare(right.service) || left.handler.localeCompare(right.handler),
      );
    const sum = (pick: (row: HandlerOperations) => number) =>
      handlers.reduce((total, row) => total + pick(row), 0);
    const completed = sum((row) => row.completed);
    const failed = sum((row) => row.failed);
    return OperationsSnapshot.parse({
      collectedAt,
      serverState,
      queryable: true,
      totals: {
        invocations: sum((row) => row.invocations),
        completed,
        failed,
        inFlight: sum((row) => row.inFlight),
        retries: sum((row) => row.retries),
        failureRate: completed === 0 ? 0 : failed / completed,
      },
      handlers,
      statuses: statusRows
        .map((row) =>
          InvocationStatusCount.parse({ status: String(row.status), count: count(row.count) }),
        )
        .sort((left, right) => right.count - left.count),
      retrying: retryingRows.map((row) =>
        RetryingInvocation.parse({
          id: String(row.id),
          service: String(row.service ?? ''),
          handler: String(row.handler ?? ''),
          key: optionalText(row.key),
          retryCount: count(row.retry_count),
          lastFailure: optionalText(row.last_failure),
          modifiedAt: optionalText(row.modified_at),
        }),
      ),
      journal: { entries: count(journalRows[0]?.entries), bytes: count(journalRows[0]?.bytes) },
      state: stateRows
        .map((row) =>
          StateUsage.parse({
            service: String(row.service ?? ''),
            keys: count(row.keys),
            entries: count(row.entries),
            bytes: count(row.bytes),
          }),
        )
        .sort((left, right) => right.bytes - left.bytes),
    });
  } catch (error) {
    return {
      collectedAt,
      serverState,
      queryable: false,
      error: (error as Error).message.slice(0, 500),
      totals: { invocations: 0, completed: 0, failed: 0, inFlight: 0, retries: 0, failureRate: 0 },
      handlers: [],
      statuses: [],
      retrying: [],
      journal: { entries: 0, bytes: 0 },
      state: [],
    };
  }
}
