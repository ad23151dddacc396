import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Redirect, Route, Router, Switch, useRoute } from 'wouter';
import type { User } from '@crm/shared';
import { AppHeader, sessionKeys, SocketProvider, type CrmSocket } from '@crm/shared/ui/index.js';
import { UsersPage } from '../../admin-users/components/users-page.js';
import { LiveBoard } from '../../live-board/components/live-board.js';
import { ReportsPage } from '../../reports/components/reports-page.js';

/** Where the app is mounted; routes below are relative to it. */
export const DASHBOARD_BASE = '/supervisor';

function NavItem({ href, children }: { href: string; children: ReactNode }) {
  const [isActive] = useRoute(href === '/' ? '/' : `${href}/*?`);
  return (
    <Link href={href} className={`nav__link${isActive ? ' nav__link--active' : ''}`} aria-current={isActive ? 'page' : undefined}>
      {children}
    </Link>
  );
}

function Sections({ user }: { user: User }) {
  const { t } = useTranslation();
  const isAdmin = user.role === 'admin';
  return (
    <div className="app">
      <AppHeader title={t('app.supervisorDashboard')} user={user}>
        <nav className="nav" aria-label={t('dashboard.nav.label')}>
          <NavItem href="/">{t('dashboard.nav.live')}</NavItem>
          <NavItem href="/reports">{t('dashboard.nav.reports')}</NavItem>
          {isAdmin && <NavItem href="/admin">{t('dashboard.nav.admin')}</NavItem>}
          {/* The contacts workspace is the agent console, outside this app's base path. */}
          <a href="/" className="nav__link">
            {t('dashboard.nav.contacts')}
          </a>
        </nav>
      </AppHeader>
      <Switch>
        <Route path="/">
          <LiveBoard />
        </Route>
        <Route path="/reports">
          <ReportsPage />
        </Route>
        {isAdmin && (
          <Route path="/admin" nest>
            <Switch>
              <Route path="/">
                <UsersPage />
              </Route>
              <Route path="/users">
                <UsersPage />
              </Route>
            </Switch>
          </Route>
        )}
        <Route>
          <Redirect to="/" replace />
        </Route>
      </Switch>
    </div>
  );
}

/** The dashboard frame: header with sections, the live socket, and the section shown. */
export function Dashboard({ user, socket, base = DASHBOARD_BASE }: { user: User; socket?: CrmSocket; base?: string }) {
  const queryClient = useQueryClient();
  const onRefused = () => void queryClient.invalidateQueries({ queryKey: sessionKeys.me });
  return (
    <SocketProvider socket={socket} onRefused={onRefused}>
      <Router base={base}>
        <Sections user={user} />
      </Router>
    </SocketProvider>
  );
}
