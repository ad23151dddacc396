import type { RefObject } from 'react';
import { useHotkey } from '@crm/shared/ui/index.js';

/**
 * `/` anywhere focuses the given input, as in most web tools. It is a console shortcut like the
 * others, so it follows their rules: not while typing in a field, nor while a dialog is open.
 */
export function useSlashToFocus(ref: RefObject<HTMLInputElement | null>): void {
  useHotkey('/', () => {
    ref.current?.focus();
    ref.current?.select();
  });
}
