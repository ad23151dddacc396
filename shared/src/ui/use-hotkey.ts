import { useEffect } from 'react';
import { useLatest } from './use-latest.js';

/** True when a key press belongs to what the user is typing, not to a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

const isModalOpen = () => typeof document !== 'undefined' && document.querySelector('[aria-modal="true"]') !== null;

/**
 * A one-key shortcut (`d`, `a`, …) anywhere on the page, except while typing in a field, with a
 * modifier held, or while a modal dialog is open (the dialog owns the keyboard then).
 */
export function useHotkey(key: string, handler: (event: KeyboardEvent) => void, { enabled = true }: { enabled?: boolean } = {}): void {
  const handlerRef = useLatest(handler);
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== key.toLowerCase() || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.defaultPrevented || event.repeat || isTypingTarget(event.target) || isModalOpen()) return;
      event.preventDefault();
      handlerRef.current(event);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [key, enabled, handlerRef]);
}
