import type { IngressTransport } from './ingress-transport.js';

/**
 * The few admin API calls the host needs. The admin API answers SQL over all
 * state and must never be exposed to the renderer: the host's own server
 * listens only on a Unix socket in the owner-only data dir (a cluster's on its
 * private network), and only the main process / CLI / workers use this.
 */
export interface DeploymentSummary {
  id: string;
  uri?: string;
  services: Array<{ name: string; revision: number }>;
}

export class RestateAdminClient {
  /** `address` is what error messages name (the socket path or the cluster's admin URL). */
  constructor(
    private readonly transport: IngressTransport,
    readonly address: string = transport.url,
  ) {}

  async listDeployments(): Promise<DeploymentSummary[]> {
    const body = (await this.request('GET', '/deployments')) as {
      deployments: DeploymentSummary[];
    };
    return body.deployments;
  }

  /** Registers `uri`; registering an already known uri with the same services is a no-op. */
  async registerDeployment(uri: string): Promise<DeploymentSummary> {
    return (await this.request('POST', '/deployments', { uri })) as DeploymentSummary;
  }

  /** Points an existing deployment at a new address, keeping its pinned invocations valid. */
  async updateDeploymentUri(id: string, uri: string): Promise<void> {
    await this.request('PATCH', `/deployments/${encodeURIComponent(id)}`, { uri });
  }

  async resumeInvocation(invocationId: string): Promise<void> {
    await this.request('PATCH', `/invocations/${encodeURIComponent(invocationId)}/resume`);
  }

  async cancelInvocation(invocationId: string): Promise<void> {
    await this.request('PATCH', `/invocations/${encodeURIComponent(invocationId)}/cancel`);
  }

  /** Stops an invocation at once, without running its handler again (see stale-invocations.ts). */
  async killInvocation(invocationId: string): Promise<void> {
    await this.request('PATCH', `/invocations/${encodeURIComponent(invocationId)}/kill`);
  }

  /**
   * How long `service` keeps the journals of its finished invocations (a
   * duration such as "1h", "0s"), until its deployment is registered again.
   * For diagnostics: the bench keeps the Scanner's for the campaign it reads
   * step by step (src/services/journal-retention.ts).
   */
  async setJournalRetention(service: string, retention: string): Promise<void> {
    await this.request('PATCH', `/services/${encodeURIComponent(service)}`, {
      journal_retention: retention,
    });
  }

  /** Runs SQL on the admin query engine (sys_invocation, sys_journal, state, ...). */
  async query<Row = Record<string, unknown>>(sql: string): Promise<Row[]> {
    const body = (await this.request('POST', '/query', { query: sql })) as { rows: Row[] };
    return body.rows;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.transport.fetch(new URL(path, this.transport.url), {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(
        `restate admin ${method} ${path} failed: ${response.status} ${text.slice(0, 500)}`,
      );
    }
    return text ? JSON.parse(text) : undefined;
  }
}
