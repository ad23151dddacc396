import { useEffect } from 'react';
import { useLatest } from './use-latest.js';

/** True when a key press belongs to what the user is typing, not to a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** Where the signs used as shortcuts sit on a US keyboard (`KeyboardEvent.code`). */
const SIGN_KEY_CODES: Record<string, string> = { '/': 'Slash' };

/**
 * Whether a key press is the shortcut `key` (a Latin letter or a sign such as `/`). With a
 * non-Latin layout on (Russian, Ukrainian) the same key types another letter (`в` for D, `.` for /),
 * so the shortcut then goes by the key's place on the keyboard (`KeyD`, `Slash`), as users expect.
 * A Latin letter typed always goes by the letter, so AZERTY's A is still A.
 */
export function isHotkey(event: Pick<KeyboardEvent, 'key' | 'code'>, key: string): boolean {
  const typed = event.key.toLowerCase();
  const wanted = key.toLowerCase();
  if (typed === wanted) return true;
  if (/^[a-z]$/.test(wanted)) {
    const isOtherScriptLetter = /^\p{L}$/u.test(typed) && !/^[a-z]$/.test(typed);
    return isOtherScriptLetter && event.code === `Key${wanted.toUpperCase()}`;
  }
  return SIGN_KEY_CODES[wanted] !== undefined && event.code === SIGN_KEY_CODES[wanted];
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
      if (!isHotkey(event, key) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.defaultPrevented || event.repeat || isTypingTarget(event.target) || isModalOpen()) return;
      event.preventDefault();
      handlerRef.current(event);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [key, enabled, handlerRef]);
}
