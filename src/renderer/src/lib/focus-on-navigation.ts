import { useEffect, useRef, type RefObject } from 'react';

/**
 * Moves keyboard focus to the content region when the screen changes (not
 * when only its filters do), so after Enter on a link or a submit the next Tab
 * continues in the new screen instead of starting over at the top of the page
 * from a removed element. The first render leaves focus where the browser put it.
 */
export function useFocusOnScreenChange(
  screenKey: string,
  target: RefObject<HTMLElement | null>,
): void {
  const previous = useRef(screenKey);
  useEffect(() => {
    if (previous.current === screenKey) return;
    previous.current = screenKey;
    target.current?.focus({ preventScroll: true });
  }, [screenKey, target]);
}
