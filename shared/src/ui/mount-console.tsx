import type { QueryClient } from '@tanstack/react-query';
import { StrictMode, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import type { i18n as I18n } from 'i18next';
import { createI18n } from './i18n.js';
import { createQueryClient } from './query-client.js';

/** Starts a console in the page's `#root`, with its own query client and translations. */
export function mountConsole(App: ComponentType<{ queryClient: QueryClient; i18n: I18n }>): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(
    <StrictMode>
      <App queryClient={createQueryClient()} i18n={createI18n()} />
    </StrictMode>,
  );
}
