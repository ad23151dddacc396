import { useEffect } from 'react';

/** The browser tab's title while the page is shown: its parts, most specific first, joined by " · ". */
export function useDocumentTitle(...parts: string[]): void {
  const title = parts.join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
