import type { Route } from './route';

/** One keyboard shortcut: the keys to press in order, and what it does. */
export interface Shortcut {
  keys: readonly string[];
  description: string;
  action: { kind: 'go'; route: Route } | { kind: 'focus-search' } | { kind: 'help' };
}

/** Every shortcut, also the content of the `?` help dialog. */
export const SHORTCUTS: readonly Shortcut[] = [
  {
    keys: ['g', 'c'],
    description: 'Go to Campaigns',
    action: { kind: 'go', route: { screen: 'campaigns' } },
  },
  {
    keys: ['g', 'h'],
    description: 'Go to Hosts',
    action: { kind: 'go', route: { screen: 'hosts' } },
  },
  {
    keys: ['g', 't'],
    description: 'Go to Threats',
    action: { kind: 'go', route: { screen: 'threats' } },
  },
  {
    keys: ['g', 's'],
    description: 'Go to Schedules',
    action: { kind: 'go', route: { screen: 'schedules' } },
  },
  {
    keys: ['g', 'a'],
    description: 'Go to Approvals',
    action: { kind: 'go', route: { screen: 'approvals' } },
  },
  {
    keys: ['g', 'o'],
    description: 'Go to Operations',
    action: { kind: 'go', route: { screen: 'operations' } },
  },
  {
    keys: ['n'],
    description: 'New campaign',
    action: { kind: 'go', route: { screen: 'new-campaign' } },
  },
  {
    keys: ['/'],
    description: 'Focus the search field of this screen',
    action: { kind: 'focus-search' },
  },
  { keys: ['?'], description: 'Show these shortcuts', action: { kind: 'help' } },
];

/**
 * Feeds one key into the pending sequence. Returns the shortcut completed by
 * it (if any) and the keys still pending (a prefix of some shortcut, or none).
 */
export function pressKey(
  pending: readonly string[],
  key: string,
): { matched?: Shortcut; pending: string[] } {
  const attempt = [...pending, key];
  for (const candidate of [attempt, [key]]) {
    const matched = SHORTCUTS.find(
      (shortcut) =>
        shortcut.keys.length === candidate.length &&
        shortcut.keys.every((part, index) => part === candidate[index]),
    );
    if (matched) return { matched, pending: [] };
    const prefix = SHORTCUTS.some(
      (shortcut) =>
        shortcut.keys.length > candidate.length &&
        candidate.every((part, index) => shortcut.keys[index] === part),
    );
    if (prefix) return { pending: candidate };
  }
  return { pending: [] };
}

/** Typing into a field is not a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).closest !== 'function') return false;
  const element = target as HTMLElement;
  return (
    element.isContentEditable ||
    element.closest('input, textarea, select, [contenteditable="true"]') !== null
  );
}
