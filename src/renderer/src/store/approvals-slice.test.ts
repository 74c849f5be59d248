import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { ApprovalOutcome } from '../../../shared/approval';
import { ApprovalBanner, ApprovalNavCount } from '../features/approvals/ApprovalBanner';
import { desktopBridge, pageAttended } from '../backend/desktop-bridge';
import { MutationObserver, QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { SpectraBackend } from '../backend/spectra-backend';
import {
  approvalKeys,
  approvalListQuery,
  decideApprovalMutation,
} from '../queries/approval-queries';
import { BackendProvider } from '../queries/backend-context';
import { createQueryClient } from '../queries/query-client';
import { fakeBackend, malformedAnswer } from '../queries/test-backend';
import { createAppStore, StoreProvider, type AppStore } from './app-store';
import {
  approvalNotification,
  approvalTimeLeft,
  checkDecisionDraft,
  newlyAppeared,
  mostUrgentApproval,
  withoutDecided,
  type PendingApproval,
} from './approvals-slice';

const approval = (id: string, expiresAt: string, campaignId = 'c-1'): PendingApproval => ({
  id,
  campaignId,
  name: 'Lab sweep',
  reasons: [{ code: 'required', message: 'approval required by the request' }],
  requestedAt: '2026-01-01T00:00:00.000Z',
  expiresAt,
});

const approved = (id: string): ApprovalOutcome => ({
  id,
  campaignId: 'c-1',
  outcome: 'approved',
  at: '2026-01-01T00:01:00.000Z',
  by: 'alice',
  note: 'go',
});

describe('approval helpers', () => {
  it('requires a note to reject, not to approve', () => {
    expect(checkDecisionDraft({ verdict: 'approve', note: '', by: '' })).toBeUndefined();
    expect(checkDecisionDraft({ verdict: 'reject', note: '   ', by: '' })).toMatch(/note/);
    expect(checkDecisionDraft({ verdict: 'reject', note: 'too wide', by: 'bob' })).toBeUndefined();
    expect(checkDecisionDraft({ verdict: 'approve', note: 'x'.repeat(2001), by: '' })).toMatch(
      /2000/,
    );
    expect(checkDecisionDraft({ verdict: 'approve', note: '', by: 'y'.repeat(121) })).toMatch(
      /120/,
    );
  });

  it('counts down to the deadline and says when it passed', () => {
    const now = Date.parse('2026-01-01T00:00:00.000Z');
    expect(approvalTimeLeft('2026-01-01T00:10:00.000Z', now)).toMatchObject({
      label: '10m 00s',
      urgent: false,
      expired: false,
    });
    expect(approvalTimeLeft('2026-01-01T00:04:05.500Z', now)).toMatchObject({
      label: '4m 05s',
      urgent: true,
    });
    expect(approvalTimeLeft('2025-12-31T23:59:59.000Z', now)).toMatchObject({
      label: 'timed out',
      expired: true,
    });
    expect(approvalTimeLeft('not a date', now).label).toBe('—');
  });

  it('finds approvals no earlier poll returned', () => {
    const list = [approval('a-1', '2099-01-01T00:00:00Z'), approval('a-2', '2099-01-01T00:00:00Z')];
    expect(newlyAppeared({ 'a-1': true }, list).map((item) => item.id)).toEqual(['a-2']);
    expect(newlyAppeared({ 'a-1': true, 'a-2': true }, list)).toEqual([]);
  });

  it('hides approvals this session decided even if a stale poll still lists them', () => {
    const list = [approval('a-1', '2099-01-01T00:00:00Z'), approval('a-2', '2099-01-01T00:00:00Z')];
    const kept = withoutDecided(list, {
      'a-1': { status: 'decided', outcome: approved('a-1') },
      'a-2': { status: 'error', verdict: 'approve', error: 'nope' },
    });
    expect(kept.map((item) => item.id)).toEqual(['a-2']);
  });

  it('builds a notification within the shell limits', () => {
    const long = { ...approval('a-1', '2099-01-01T00:00:00Z'), name: 'n'.repeat(300) };
    const notification = approvalNotification(long);
    expect(notification.title.length).toBeLessThanOrEqual(120);
    expect(notification.body).toContain('approval required by the request');
    expect(notification.body).toContain('c-1');
  });

  it('selects the most urgent approval', () => {
    const approvals = [
      approval('a-2', '2099-01-01T00:10:00.000Z', 'c-2'),
      approval('a-1', '2099-01-01T00:05:00.000Z', 'c-1'),
    ];
    expect(mostUrgentApproval(approvals)?.id).toBe('a-1');
    expect(mostUrgentApproval([])).toBeUndefined();
  });

  it('finds the desktop bridge only in Electron and knows when nobody looks', () => {
    expect(desktopBridge({})).toBeUndefined();
    const notify = vi.fn(async () => {});
    expect(desktopBridge({ spectraDesktop: { shell: 'electron', notify } })?.notify).toBe(notify);
    expect(pageAttended({ visibilityState: 'visible', hasFocus: () => true })).toBe(true);
    expect(pageAttended({ visibilityState: 'visible', hasFocus: () => false })).toBe(false);
    expect(pageAttended({ visibilityState: 'hidden', hasFocus: () => true })).toBe(false);
  });
});

/** Renders with the app's providers; the query cache is seeded instead of polled. */
function renderWith(
  approvals: PendingApproval[] | undefined,
  element: Parameters<typeof createElement>[0],
  store: AppStore = createAppStore(),
): string {
  const client = createQueryClient();
  if (approvals) client.setQueryData(approvalKeys.list(), approvals);
  return renderToStaticMarkup(
    createElement(BackendProvider, {
      backend: fakeBackend({ listApprovals: async () => approvals ?? [] }),
      children: createElement(QueryClientProvider, {
        client,
        children: createElement(StoreProvider, { store, children: createElement(element) }),
      }),
    }),
  );
}

function decide(client: QueryClient, store: AppStore, backend: SpectraBackend, id: string) {
  return new MutationObserver(
    client,
    decideApprovalMutation(backend, client, store.getState().recordDecision, id),
  );
}

describe('approvals: query cache and session state', () => {
  it('shows nothing until a poll answers: no banner, zero in navigation', () => {
    expect(renderWith(undefined, ApprovalBanner)).toBe('');
    expect(renderWith(undefined, ApprovalNavCount)).not.toContain('approvals-count');
  });

  it('reports new ids once, and shows banner and count from the cached list', async () => {
    const listed = [
      approval('a-2', '2099-01-01T00:10:00.000Z', 'c-2'),
      approval('a-1', '2099-01-01T00:05:00.000Z'),
    ];
    const client = createQueryClient();
    const fetched = await client.fetchQuery(
      approvalListQuery(fakeBackend({ listApprovals: async () => listed }), () => false),
    );
    const store = createAppStore();
    expect(
      store
        .getState()
        .noteApprovals(fetched)
        .map((item) => item.id),
    ).toEqual(['a-2', 'a-1']);
    expect(store.getState().noteApprovals(fetched)).toEqual([]);
    expect(store.getState().approvalNames['a-2']).toEqual({ name: 'Lab sweep', campaignId: 'c-2' });
    const banner = renderWith(fetched, ApprovalBanner);
    expect(banner).toContain('data-approval-id="a-1"');
    expect(banner).toContain('1 of 2');
    expect(banner).toContain('approval required by the request');
    expect(banner).toContain('href="#/campaigns/c-1"');
    expect(renderWith(fetched, ApprovalNavCount)).toContain('>2</span>');
    expect(mostUrgentApproval(fetched)?.id).toBe('a-1');
  });

  it('polls less often while the page is hidden', () => {
    let hidden = false;
    const options = approvalListQuery(fakeBackend(), () => hidden);
    const interval = options.refetchInterval as () => number;
    expect(interval()).toBe(2000);
    hidden = true;
    expect(interval()).toBe(10_000);
  });

  it('keeps malformed approvals out of the cache', async () => {
    const client = createQueryClient();
    const options = approvalListQuery(
      fakeBackend({
        listApprovals: async () => malformedAnswer([{ id: 'a-1', campaignId: 'c-1' }]),
      }),
      () => false,
    );
    await expect(client.fetchQuery(options)).rejects.toThrow(/unexpected approval list/);
    expect(client.getQueryData(options.queryKey)).toBeUndefined();
  });

  it('sends a decision, removes the approval and remembers the name', async () => {
    const decideApproval = vi.fn(async () => approved('a-1'));
    const client = createQueryClient();
    const store = createAppStore();
    client.setQueryData(approvalKeys.list(), [approval('a-1', '2099-01-01T00:05:00.000Z')]);
    const outcome = await decide(client, store, fakeBackend({ decideApproval }), 'a-1').mutate({
      verdict: 'approve',
      note: ' go ',
      by: ' alice ',
    });
    expect(outcome.outcome).toBe('approved');
    expect(decideApproval).toHaveBeenCalledWith({
      id: 'a-1',
      verdict: 'approve',
      note: 'go',
      by: 'alice',
    });
    expect(client.getQueryData(approvalKeys.list())).toEqual([]);
    expect(store.getState().approverName).toBe('alice');
    expect(store.getState().approvalDecisions['a-1']).toMatchObject({ status: 'decided' });
  });

  it('refuses a reject without a note before calling the backend', async () => {
    const decideApproval = vi.fn();
    const client = createQueryClient();
    const store = createAppStore();
    await expect(
      decide(client, store, fakeBackend({ decideApproval }), 'a-1').mutate({
        verdict: 'reject',
        note: '',
        by: '',
      }),
    ).rejects.toThrow(/note is required/);
    expect(decideApproval).not.toHaveBeenCalled();
    expect(store.getState().approvalDecisions['a-1']).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/note is required/),
    });
  });

  it('keeps the server’s refusal (already decided, timed out) to show inline', async () => {
    const client = createQueryClient();
    const store = createAppStore();
    client.setQueryData(approvalKeys.list(), [approval('a-1', '2099-01-01T00:05:00.000Z')]);
    const backend = fakeBackend({
      decideApproval: () =>
        Promise.reject(new Error('approval ap-1 (campaign c-1) was already approved by bob')),
    });
    await expect(
      decide(client, store, backend, 'a-1').mutate({ verdict: 'reject', note: 'no', by: '' }),
    ).rejects.toThrow(/already approved/);
    expect(store.getState().approvalDecisions['a-1']).toEqual({
      status: 'error',
      verdict: 'reject',
      error: 'approval ap-1 (campaign c-1) was already approved by bob',
    });
    expect(client.getQueryData(approvalKeys.list())).toHaveLength(1);
  });
});
