import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../auth.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { LiveClock } from './live-clock.js';
import { UserMenu } from './user-menu.js';

/** The id each console gives its `<main>`, the target of the header's skip link. */
export const MAIN_CONTENT_ID = 'main';

export interface AppHeaderProps {
  /** The console's name beside the product name. */
  title: string;
  user: User;
  /** Middle slot: navigation (dashboard) or the agent's own status (agent console). */
  children?: ReactNode;
}

/** The one header both consoles share: product, console, slot, clock, connection, account. */
export function AppHeader({ title, user, children }: AppHeaderProps) {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <a className="skip-link" href={`#${MAIN_CONTENT_ID}`}>
        {t('common.skipToContent')}
      </a>
      <div className="app-header__brand">
        <span className="app-header__logo" role="img" aria-label={t('app.name')} title={t('app.name')} />
        <span className="app-header__title">{title}</span>
      </div>
      <div className="app-header__slot">{children}</div>
      <div className="app-header__end">
        <LiveClock />
        <ConnectionIndicator />
        <UserMenu user={user} />
      </div>
    </header>
  );
}
