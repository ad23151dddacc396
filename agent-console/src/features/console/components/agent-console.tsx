import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { User } from '@crm/shared';
import { AppHeader, MAIN_CONTENT_ID, sessionKeys, SocketProvider, useDocumentTitle, type CrmSocket } from '@crm/shared/ui/index.js';
import { AgentStatusBar } from '../../agent-status/components/agent-status-bar.js';
import { ContactSearch } from '../../contact-search/components/contact-search.js';
import { ContactPanel } from '../../contacts/components/contact-panel.js';
import { ContactWorkspaceProvider } from '../../contacts/hooks/contact-workspace.js';
import { CurrentCallPanel } from '../../current-call/components/current-call-panel.js';
import { useCurrentCall } from '../../current-call/hooks/use-current-call.js';
import { DialProvider } from '../../dialing/hooks/dial-context.js';
import { NextTaskPanel } from '../../next-task/components/next-task-panel.js';
import { PhonePanel } from '../../phone/components/phone-panel.js';
import { RecentCallsPanel } from '../../recent-calls/components/recent-calls-panel.js';

function Workspace({ user }: { user: User }) {
  const { t } = useTranslation();
  const current = useCurrentCall(user.extension);
  useDocumentTitle(t('app.agentConsole'), user.displayName);
  return (
    <div className="app">
      <AppHeader title={t('app.agentConsole')} user={user}>
        <AgentStatusBar user={user} />
      </AppHeader>
      <main className="agent-layout" id={MAIN_CONTENT_ID} tabIndex={-1}>
        <div className="agent-layout__main">
          <ContactSearch />
          <div className="agent-workspace">
            <CurrentCallPanel current={current} extension={user.extension} />
            <ContactPanel />
          </div>
        </div>
        <aside className="agent-layout__side">
          <NextTaskPanel />
          <PhonePanel user={user} current={current} />
          <RecentCallsPanel extension={user.extension} />
        </aside>
      </main>
    </div>
  );
}

/** The agent's whole working screen; opens the live socket for as long as it is shown. */
export function AgentConsole({ user, socket }: { user: User; socket?: CrmSocket }) {
  const queryClient = useQueryClient();
  // A refused socket means the session ended: re-check it, which sends the user to /login.
  const onRefused = () => void queryClient.invalidateQueries({ queryKey: sessionKeys.me });
  return (
    <SocketProvider socket={socket} onRefused={onRefused}>
      <DialProvider>
        <ContactWorkspaceProvider>
          <Workspace user={user} />
        </ContactWorkspaceProvider>
      </DialProvider>
    </SocketProvider>
  );
}
