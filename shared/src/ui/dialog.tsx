import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useLatest } from './use-latest.js';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** The buttons row under the content. */
  actions?: ReactNode;
  /** A wider dialog for tables (CSV preview). */
  size?: 'normal' | 'wide';
  tone?: 'normal' | 'warning';
}

/**
 * A modal dialog: focus moves into it (the first field or button marked `data-autofocus`, else the
 * first focusable), Tab stays inside, Escape closes it, and focus returns where it was.
 */
export function Dialog({ title, onClose, children, actions, size = 'normal', tone = 'normal' }: DialogProps) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useLatest(onClose);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = ref.current;
    const first = root?.querySelector<HTMLElement>('[data-autofocus]') ?? root?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        onCloseRef.current();
        return;
      }
      if (event.key !== 'Tab' || !root) return;
      const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const [head, tail] = [items[0], items[items.length - 1]];
      if (!head || !tail) return;
      if (event.shiftKey && document.activeElement === head) {
        event.preventDefault();
        tail.focus();
      } else if (!event.shiftKey && document.activeElement === tail) {
        event.preventDefault();
        head.focus();
      }
    };
    root?.addEventListener('keydown', onKeyDown);
    return () => {
      root?.removeEventListener('keydown', onKeyDown);
      previous?.focus();
    };
  }, [onCloseRef]);

  return (
    <div className="dialog-backdrop">
      <div
        ref={ref}
        className={`dialog dialog--${size} dialog--${tone}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
      >
        <h2 className="dialog__title" id={titleId}>
          {title}
        </h2>
        <div className="dialog__body">{children}</div>
        {actions && <div className="dialog__actions">{actions}</div>}
      </div>
    </div>
  );
}
