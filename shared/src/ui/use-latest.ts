import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * A ref that always holds the last rendered `value`. Listeners that are registered once (socket
 * events, document keys) call `ref.current` so they run the current handler, with fresh state,
 * without unsubscribing and subscribing again on every render.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
