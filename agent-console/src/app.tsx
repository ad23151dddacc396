import type { QueryClient } from '@tanstack/react-query';
import type { i18n as I18n } from 'i18next';
import { Route, Switch } from 'wouter';
import { AppProviders, LOGIN_PATH, RequireSession } from '@crm/shared/ui/index.js';
import { AgentConsole } from './features/console/components/agent-console.js';
import { LoginPage } from './features/login/components/login-page.js';

/** `/login` is the product's one sign-in page; everything else is the agent console. */
export function App({ queryClient, i18n }: { queryClient: QueryClient; i18n: I18n }) {
  return (
    <AppProviders queryClient={queryClient} i18n={i18n}>
      <Switch>
        <Route path={LOGIN_PATH}>
          <LoginPage />
        </Route>
        <Route>
          <RequireSession>{(user) => <AgentConsole user={user} />}</RequireSession>
        </Route>
      </Switch>
    </AppProviders>
  );
}
