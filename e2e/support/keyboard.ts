import type { Page } from 'playwright-core';

/** Where focus landed after one key press, and whether an analyst could see it. */
export interface FocusStop {
  /** `tag#id[data-testid]`, enough to read a focus path in a failure. */
  element: string;
  /** The element shows a focus indicator: `:focus-visible` matched and an outline or ring drawn. */
  visible: boolean;
  matched: boolean;
}

/** Describes the focused element (evaluated in the page). */
async function focusStop(page: Page, selector: string): Promise<FocusStop> {
  return page.evaluate((wanted) => {
    // Typed loosely: this program has no DOM lib (the page runs it, not Node).
    const documentRef = (globalThis as unknown as { document: { activeElement: unknown } })
      .document;
    const element = documentRef.activeElement as {
      tagName: string;
      id: string;
      getAttribute(name: string): string | null;
      matches(selector: string): boolean;
    } | null;
    if (!element) return { element: 'none', visible: false, matched: false };
    const style = (
      globalThis as unknown as {
        getComputedStyle(element: unknown): {
          outlineStyle: string;
          outlineWidth: string;
          boxShadow: string;
        };
      }
    ).getComputedStyle(element);
    const ring =
      (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) ||
      style.boxShadow !== 'none';
    return {
      element: `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${
        element.getAttribute('data-testid') ? `[${element.getAttribute('data-testid')}]` : ''
      }`,
      visible: element.matches(':focus-visible') && ring,
      matched: element.matches(wanted),
    };
  }, selector);
}

/**
 * Presses Tab (Shift+Tab when `backwards`) until the focused element matches
 * `selector`, at most `limit` times. Every stop on the way must show a
 * visible focus indicator; the path is returned for assertions and messages.
 */
export async function tabTo(
  page: Page,
  selector: string,
  options: { limit?: number; backwards?: boolean } = {},
): Promise<FocusStop[]> {
  const path: FocusStop[] = [];
  for (let presses = 0; presses < (options.limit ?? 40); presses += 1) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    const stop = await focusStop(page, selector);
    path.push(stop);
    if (!stop.visible && stop.element !== 'body')
      throw new Error(
        `focus on ${stop.element} is not visible (path: ${path.map((each) => each.element).join(' → ')})`,
      );
    if (stop.matched) return path;
  }
  throw new Error(
    `Tab never reached ${selector} in ${options.limit ?? 40} presses: ${path.map((each) => each.element).join(' → ')}`,
  );
}

/** The focused element as `tag#id[testid]`. */
export async function focused(page: Page): Promise<FocusStop> {
  return focusStop(page, '*');
}
