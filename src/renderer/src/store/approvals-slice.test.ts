import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApprovalBanner, ApprovalNavCount } from '../features/approvals/ApprovalBanner';
import { createAppStore, StoreProvider, type AppStore } from './app-store';
import {
  selectApprovalCount,
  selectMostUrgentApproval,
  type PendingApproval,
} from './approvals-slice';
import { fakeBackend } from './test-backend';

const approval = (id: string, expiresAt: string): PendingApproval => ({
  id,
  campaignId: 'c-1',
  title: 'Scan reaches a sensitive network',
  requestedAt: '2026-01-01T00:00:00.000Z',
  expiresAt,
});

function render(store: AppStore, element: Parameters<typeof createElement>[0]): string {
  return renderToStaticMarkup(
    createElement(StoreProvider, { store, children: createElement(element) }),
  );
}

describe('approvals slice', () => {
  it('is empty until the approvals feature fills it: no banner, zero in navigation', () => {
    const store = createAppStore(fakeBackend());
    expect(render(store, ApprovalBanner)).toBe('');
    expect(render(store, ApprovalNavCount)).not.toContain('approvals-count');
  });

  it('shows the most urgent approval and the count once fed', () => {
    const store = createAppStore(fakeBackend(), {
      approvals: [
        approval('a-2', '2099-01-01T00:10:00.000Z'),
        approval('a-1', '2099-01-01T00:05:00.000Z'),
      ],
    });
    expect(selectApprovalCount(store.getState())).toBe(2);
    expect(selectMostUrgentApproval(store.getState())?.id).toBe('a-1');
    const banner = render(store, ApprovalBanner);
    expect(banner).toContain('data-approval-id="a-1"');
    expect(banner).toContain('1 of 2');
    // Not wired to a backend yet: the decision buttons stay disabled.
    expect(banner).toMatch(/<button[^>]*disabled=""[^>]*data-testid="approval-approve"/);
    expect(render(store, ApprovalNavCount)).toContain('>2</span>');
  });

  it('removes an approval once the wired decider accepts the decision', async () => {
    const store = createAppStore(fakeBackend());
    const decider = vi.fn(async () => {});
    store.getState().setApprovals([approval('a-1', '2099-01-01T00:05:00.000Z')]);
    await expect(store.getState().decideApproval('a-1', 'approve', '')).rejects.toThrow(
      /not connected/,
    );
    store.getState().setApprovalDecider(decider);
    await store.getState().decideApproval('a-1', 'reject', 'too risky');
    expect(decider).toHaveBeenCalledWith('a-1', 'reject', 'too risky');
    expect(store.getState().approvals).toEqual([]);
  });
});
