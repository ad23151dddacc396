import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { CreateContactRequest } from '@crm/shared';

/** What the contact area of the console shows. */
export type ContactView =
  | { kind: 'none' }
  | { kind: 'card'; id: string }
  | { kind: 'new'; draft: CreateContactRequest | null }
  | { kind: 'import' }
  | { kind: 'merge'; id: string };

interface ContactWorkspace {
  view: ContactView;
  openCard(id: string): void;
  newContact(draft?: CreateContactRequest): void;
  openImport(): void;
  openMerge(id: string): void;
  close(): void;
}

const WorkspaceContext = createContext<ContactWorkspace | null>(null);

/** One place decides which card is open, so search, the pop and a duplicate notice can all open one. */
export function ContactWorkspaceProvider({ children }: { children: ReactNode }) {
  const [view, setView] = useState<ContactView>({ kind: 'none' });
  const value = useMemo<ContactWorkspace>(
    () => ({
      view,
      openCard: (id) => setView({ kind: 'card', id }),
      newContact: (draft) => setView({ kind: 'new', draft: draft ?? null }),
      openImport: () => setView({ kind: 'import' }),
      openMerge: (id) => setView({ kind: 'merge', id }),
      close: () => setView({ kind: 'none' }),
    }),
    [view],
  );
  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}

export function useContactWorkspace(): ContactWorkspace {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error('useContactWorkspace must be used inside <ContactWorkspaceProvider>');
  return value;
}
