import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { ApprovalOutcome } from '../../../shared/approval';
import { ApprovalBanner, ApprovalNavCount } from '../features/approvals/ApprovalBanner';
import { desktopBridge, pageAttended } from '../backend/desktop-bridge';
import { createAppStore, StoreProvider, type AppStore } from './app-store';
import {
  approvalNotification,
  approvalTimeLeft,
  checkDecisionDraft,
  newlyAppeared,
  sameApprovals,
  selectApprovalCount,
  selectCampaignApproval,
  selectMostUrgentApproval,
  withoutDecided,
  type PendingApproval,
} from './approvals-slice';
import { fakeBackend } from './test-backend';

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

function render(store: AppStore, element: Parameters<typeof createElement>[0]): string {
  return renderToStaticMarkup(
    createElement(StoreProvider, { store, children: createElement(element) }),
  );
}

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

  it('compares lists by id and deadline', () => {
    const a = [approval('a-1', '2099-01-01T00:00:00Z')];
    expect(sameApprovals(a, [approval('a-1', '2099-01-01T00:00:00Z')])).toBe(true);
    expect(sameApprovals(a, [approval('a-1', '2099-01-02T00:00:00Z')])).toBe(false);
    expect(sameApprovals(a, [])).toBe(false);
  });

  it('builds a notification within the shell limits', () => {
    const long = { ...approval('a-1', '2099-01-01T00:00:00Z'), name: 'n'.repeat(300) };
    const notification = approvalNotification(long);
    expect(notification.title.length).toBeLessThanOrEqual(120);
    expect(notification.body).toContain('approval required by the request');
    expect(notification.body).toContain('c-1');
  });

  it('selects the most urgent approval and one campaign’s approval', () => {
    const state = {
      approvals: [
        approval('a-2', '2099-01-01T00:10:00.000Z', 'c-2'),
        approval('a-1', '2099-01-01T00:05:00.000Z', 'c-1'),
      ],
    };
    expect(selectApprovalCount(state)).toBe(2);
    expect(selectMostUrgentApproval(state)?.id).toBe('a-1');
    expect(selectCampaignApproval('c-2')(state)?.id).toBe('a-2');
    expect(selectCampaignApproval('c-9')(state)).toBeUndefined();
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

describe('approvals slice', () => {
  it('is empty until a poll fills it: no banner, zero in navigation', () => {
    const store = createAppStore(fakeBackend());
    expect(render(store, ApprovalBanner)).toBe('');
    expect(render(store, ApprovalNavCount)).not.toContain('approvals-count');
  });

  it('fills from Approvals.list, reports new ids once, and shows banner and count', async () => {
    const listed = [
      approval('a-2', '2099-01-01T00:10:00.000Z', 'c-2'),
      approval('a-1', '2099-01-01T00:05:00.000Z'),
    ];
    const store = createAppStore(fakeBackend({ listApprovals: async () => listed }));
    expect((await store.getState().loadApprovals()).map((item) => item.id)).toEqual(['a-2', 'a-1']);
    const first = store.getState().approvals;
    expect(await store.getState().loadApprovals()).toEqual([]);
    // An unchanged list keeps the same array, so nothing re-renders.
    expect(store.getState().approvals).toBe(first);
    // Server rendering reads a store's initial state: render one that starts where this one is.
    const rendered = createAppStore(fakeBackend(), { approvals: first });
    const banner = render(rendered, ApprovalBanner);
    expect(banner).toContain('data-approval-id="a-1"');
    expect(banner).toContain('1 of 2');
    expect(banner).toContain('approval required by the request');
    expect(banner).toContain('href="#/campaigns/c-1"');
    expect(render(rendered, ApprovalNavCount)).toContain('>2</span>');
  });

  it('keeps malformed approvals out of the store', async () => {
    const store = createAppStore(
      fakeBackend({ listApprovals: async () => [{ id: 'a-1', campaignId: 'c-1' }] }),
    );
    await expect(store.getState().loadApprovals()).rejects.toThrow(/unexpected approval list/);
    expect(store.getState().approvals).toEqual([]);
    expect(store.getState().approvalsStatus.status).toBe('error');
  });

  it('sends a decision, removes the approval and remembers the name', async () => {
    const decideApproval = vi.fn(async () => approved('a-1'));
    const store = createAppStore(fakeBackend({ decideApproval }));
    store.getState().setApprovals([approval('a-1', '2099-01-01T00:05:00.000Z')]);
    const outcome = await store
      .getState()
      .decideApproval('a-1', { verdict: 'approve', note: ' go ', by: ' alice ' });
    expect(outcome?.outcome).toBe('approved');
    expect(decideApproval).toHaveBeenCalledWith({
      id: 'a-1',
      verdict: 'approve',
      note: 'go',
      by: 'alice',
    });
    expect(store.getState().approvals).toEqual([]);
    expect(store.getState().approverName).toBe('alice');
    expect(store.getState().approvalDecisions['a-1']).toMatchObject({ status: 'decided' });
  });

  it('refuses a reject without a note before calling the backend', async () => {
    const decideApproval = vi.fn();
    const store = createAppStore(fakeBackend({ decideApproval }));
    expect(
      await store.getState().decideApproval('a-1', { verdict: 'reject', note: '', by: '' }),
    ).toBeUndefined();
    expect(decideApproval).not.toHaveBeenCalled();
    expect(store.getState().approvalDecisions['a-1']).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/note is required/),
    });
  });

  it('keeps the server’s refusal (already decided, timed out) to show inline', async () => {
    const store = createAppStore(
      fakeBackend({
        decideApproval: () =>
          Promise.reject(new Error('approval ap-1 (campaign c-1) was already approved by bob')),
      }),
    );
    store.getState().setApprovals([approval('a-1', '2099-01-01T00:05:00.000Z')]);
    await store.getState().decideApproval('a-1', { verdict: 'reject', note: 'no', by: '' });
    expect(store.getState().approvalDecisions['a-1']).toEqual({
      status: 'error',
      verdict: 'reject',
      error: 'approval ap-1 (campaign c-1) was already approved by bob',
    });
    expect(store.getState().approvals).toHaveLength(1);
  });
});
