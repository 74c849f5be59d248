import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectSpectra } from '../clients/service-clients.js';
import { unixSocketTransport } from '../main/host/ingress-transport.js';
import { followCampaign } from './campaign-follow.js';
import { withRequestTimeout } from './host-connection.js';

/**
 * An ingress on a Unix socket answering the three calls a follower makes, as
 * restate-server does for a campaign that runs longer than a command's request
 * timeout (held attach requests), or whose run failed (attach answers 500).
 */
const REQUEST_TIMEOUT_MS = 300;
let scratch: string;
let socket: string;
let server: http.Server;
let calls: string[];
let attachAnswer: 'hold-then-end' | 'fail';
const held: http.ServerResponse[] = [];
const running = { campaignId: 'c-1', state: 'scanning', totals: { targets: 2, targetsDone: 1 } };
const finished = { ...running, state: 'completed', totals: { targets: 2, targetsDone: 2 } };
// What the report is read from: the campaign's outline, then each batch.
const metadata = { campaignId: 'c-1', name: 'c-1', request: {}, targets: 2, state: 'completed' };
const batch = {
  index: 0,
  state: 'done',
  engine: 'builtin',
  targets: 2,
  skipped: [],
  hosts: [],
  observations: [
    {
      host: '127.0.0.1',
      port: 22,
      protocol: 'tcp',
      state: 'open',
      engine: 'builtin',
      observedAt: '2026-12-01T12:00:00.000Z',
    },
  ],
  findings: [],
  startedAt: '2026-12-01T12:00:00.000Z',
  finishedAt: '2026-12-01T12:00:00.000Z',
};

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'spectra-follow-'));
  socket = join(scratch, 'ingress.sock');
  server = http.createServer((request, response) => {
    const path = request.url ?? '';
    calls.push(path);
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path.endsWith('/attach')) {
      const attempts = calls.filter((call) => call.endsWith('/attach')).length;
      if (attachAnswer === 'fail') json(500, { message: 'the run failed' });
      else if (attempts < 3) held.push(response);
      else json(200, finished);
    } else if (path.endsWith('/progress')) {
      // The run fails after the first poll (which reads it running).
      const polls = calls.filter((call) => call.endsWith('/progress')).length;
      const ended = attachAnswer === 'fail' && polls > 1;
      json(200, ended ? { ...finished, state: 'failed' } : running);
    } else if (path.endsWith('/outline')) {
      json(200, { metadata, audit: [], batchIndexes: [0] });
    } else if (path.endsWith('/batch')) {
      json(200, batch);
    } else json(404, { message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});
beforeEach(() => {
  calls = [];
});
afterAll(async () => {
  for (const response of held) response.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

const ingress = () =>
  connectSpectra(withRequestTimeout(unixSocketTransport(socket), REQUEST_TIMEOUT_MS)).ingress;

describe('following a campaign without a display (--json)', () => {
  it('learns the end from the workflow, attaching again past the request timeout', async () => {
    attachAnswer = 'hold-then-end';
    const started = Date.now();
    const report = await followCampaign(ingress(), 'c-1', { quiet: true });
    expect(report).toMatchObject({ campaignId: 'c-1', state: 'completed', complete: true });
    expect(report.hosts.map((entry) => `${entry.host}:${entry.ports[0]!.port}`)).toEqual([
      '127.0.0.1:22',
    ]);
    // Two held attaches ended by the timeout, the third answered; one poll at the start,
    // none after the end: the workflow's result is the final progress.
    expect(calls.filter((call) => call.endsWith('/attach'))).toHaveLength(3);
    expect(calls.filter((call) => call.endsWith('/progress'))).toHaveLength(1);
    expect(calls.slice(-2)).toEqual(['/CampaignResults/c-1/outline', '/CampaignResults/c-1/batch']);
    expect(Date.now() - started).toBeLessThan(3 * REQUEST_TIMEOUT_MS + 2_000);
  });

  it('polls at the display pace once attaching fails (a failed run), and returns its report', async () => {
    attachAnswer = 'fail';
    const started = Date.now();
    await followCampaign(ingress(), 'c-1', { quiet: true });
    expect(calls.filter((call) => call.endsWith('/attach'))).toHaveLength(1);
    expect(calls.at(-3)).toBe('/CampaignWorkflow/c-1/progress');
    // Not a quiet poll interval (5 s) later.
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
