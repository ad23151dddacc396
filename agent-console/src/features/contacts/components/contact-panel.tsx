import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '@crm/shared/ui/index.js';
import { useContactWorkspace } from '../hooks/contact-workspace.js';
import { ContactCard } from './contact-card.js';
import { ContactForm } from './contact-form.js';
import { ContactImport } from './contact-import.js';
import { ContactMerge } from './contact-merge.js';

/** The card area beside the pop: an open card, a new one, an import or a merge. */
export function ContactPanel() {
  const { t } = useTranslation();
  const headingId = useId();
  const { view, openCard, close } = useContactWorkspace();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // The control that opened a card (a search result, a form's Save) usually disappears with it, which
  // drops the keyboard focus on the page itself: continue from this panel instead. Focus that is
  // still somewhere (a field the form focused, the agent typing elsewhere) is left where it is.
  useEffect(() => {
    if (view.kind === 'none') return;
    if (document.activeElement === null || document.activeElement === document.body) headingRef.current?.focus();
  }, [view]);
  return (
    <section className="panel contact-panel" aria-labelledby={headingId}>
      <header className="panel__header">
        <h2 className="panel__title" id={headingId} ref={headingRef} tabIndex={-1}>
          {view.kind === 'new' ? t('agent.contacts.newTitle') : t('agent.contacts.heading')}
        </h2>
      </header>
      <div className="panel__body contact-panel__body">
        {view.kind === 'none' && (
          <div className="contact-panel__empty">
            <EmptyState title={t('agent.contacts.empty')} hint={t('agent.contacts.emptyHint')} />
          </div>
        )}
        {view.kind === 'card' && <ContactCard key={view.id} id={view.id} />}
        {view.kind === 'new' && <ContactForm contact={null} draft={view.draft} onSaved={(contact) => openCard(contact.id)} onCancel={close} />}
        {view.kind === 'import' && <ContactImport />}
        {view.kind === 'merge' && <ContactMerge key={view.id} id={view.id} />}
      </div>
    </section>
  );
}
