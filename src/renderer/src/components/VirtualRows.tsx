import { useEffect, useRef, useState, type ReactNode } from 'react';
import { computeRowWindow, scrollTopToReveal } from '../lib/windowing';

/**
 * Renders only the rows on screen (plus a few each side) out of `count`
 * fixed-height rows, so ten thousand records scroll as smoothly as ten.
 * Rows are absolutely positioned inside a spacer of the full height.
 */
export function VirtualRows(props: {
  count: number;
  rowHeight: number;
  renderRow(index: number, style: { top: number; height: number }): ReactNode;
  overscan?: number;
  label: string;
  testId?: string;
}) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return undefined;
    setViewportHeight(element.clientHeight);
    const observer = new ResizeObserver(() => setViewportHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const window = computeRowWindow({
    rowCount: props.count,
    rowHeight: props.rowHeight,
    scrollTop,
    viewportHeight,
    overscan: props.overscan ?? 8,
  });
  const rows: ReactNode[] = [];
  for (let index = window.start; index < window.end; index += 1)
    rows.push(props.renderRow(index, { top: index * props.rowHeight, height: props.rowHeight }));

  return (
    <div
      className="vtable-viewport"
      ref={viewport}
      role="rowgroup"
      aria-label={props.label}
      // Focusable itself, so the list scrolls from the keyboard even when its rows hold no control.
      tabIndex={0}
      data-testid={props.testId}
      data-rendered-rows={window.end - window.start}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      onKeyDown={(event) => {
        // Arrow keys move between rows, scrolling the next one into existence first.
        const element = viewport.current;
        const focused = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
        if (!element || !focused) return;
        const steps: Record<string, number> = {
          ArrowDown: 1,
          ArrowUp: -1,
          PageDown: 10,
          PageUp: -10,
        };
        const current = Number(focused.dataset.index);
        let next: number | undefined;
        if (event.key in steps) next = current + (steps[event.key] ?? 0);
        else if (event.key === 'Home') next = 0;
        else if (event.key === 'End') next = props.count - 1;
        if (next === undefined) return;
        event.preventDefault();
        next = Math.max(0, Math.min(props.count - 1, next));
        const reveal = scrollTopToReveal(
          next,
          props.rowHeight,
          element.scrollTop,
          element.clientHeight,
        );
        if (reveal !== undefined) {
          element.scrollTop = reveal;
          setScrollTop(reveal);
        }
        const target = next;
        requestAnimationFrame(() =>
          element.querySelector<HTMLElement>(`[data-index="${target}"]`)?.focus(),
        );
      }}
    >
      <div style={{ height: window.totalHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
