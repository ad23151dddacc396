import { useEffect, type ReactNode } from 'react';
import type { User } from '../auth.js';
import { useErrorMessage } from './error-message.js';
import { useUserLanguage } from './i18n.js';
import { currentPath, goTo } from './navigation.js';
import { ErrorScreen, LoadingScreen } from './screens.js';
import { canOpen, homeFor, loginUrl, useMe } from './session.js';

/**
 * Renders its children only for a signed-in user allowed on this page: without a session it
 * sends the browser to `/login?next=…`, with the wrong role to that role's home. Applies the
 * user's saved language.
 */
export function RequireSession({ children }: { children: (user: User) => ReactNode }) {
  const me = useMe();
  const errorMessage = useErrorMessage();
  const user = me.data;
  useUserLanguage(user?.language);
  const path = typeof window === 'undefined' ? '/' : window.location.pathname;
  const redirectTo = user === null ? loginUrl(currentPath()) : user && !canOpen(user.role, path) ? homeFor(user.role) : null;

  useEffect(() => {
    if (redirectTo) goTo(redirectTo, { replace: true });
  }, [redirectTo]);

  if (me.isError) return <ErrorScreen message={errorMessage(me.error)} onRetry={() => void me.refetch()} />;
  if (!user || redirectTo) return <LoadingScreen />;
  return <>{children(user)}</>;
}
