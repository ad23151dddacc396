import type { QueryClient } from '@tanstack/react-query';
import type { i18n as I18n } from 'i18next';
import { AppProviders, RequireSession } from '@crm/shared/ui/index.js';
import { Dashboard } from './features/shell/components/dashboard.js';

/** The supervisor dashboard, served under `/supervisor/` (admin section `/supervisor/admin`). */
export function App({ queryClient, i18n }: { queryClient: QueryClient; i18n: I18n }) {
  return (
    <AppProviders queryClient={queryClient} i18n={i18n}>
      <RequireSession>{(user) => <Dashboard user={user} />}</RequireSession>
    </AppProviders>
  );
}
