import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPhone, type Contact, type ContactEditedElsewhereDetails } from '@crm/shared';
import { ErrorNotice, isApiError, useErrorMessage, useFormat } from '@crm/shared/ui/index.js';
import { contactSearchKeys, searchContacts } from '../../contact-search/api.js';
import { contactKeys, dealKeys, editedElsewhere, getContact, mergeContacts } from '../api.js';
import { useContactWorkspace } from '../hooks/contact-workspace.js';

const summary = (contact: Contact) =>
  [contact.name, contact.company, contact.phones.map((phone) => formatPhone(phone)).join(', ')].filter(Boolean).join(' · ');

/** A merge refused because one of the two cards changed after it was shown: that card as it is now, and which one. */
function mergeConflict(error: unknown): Required<ContactEditedElsewhereDetails> | null {
  const conflict = editedElsewhere(error);
  if (!conflict || !isApiError(error)) return null;
  const { mergeCard } = (error.details ?? {}) as Partial<ContactEditedElsewhereDetails>;
  return { contact: conflict.contact, mergeCard: mergeCard === 'source' ? 'source' : 'target' };
}

/** Merge another card into this one: find it, check both, merge; the other card goes away. */
export function ContactMerge({ id }: { id: string }) {
  const { t } = useTranslation();
  const inputId = useId();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const format = useFormat();
  const { openCard } = useContactWorkspace();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [source, setSource] = useState<Contact | null>(null);
  const target = useQuery({ queryKey: contactKeys.card(id), queryFn: ({ signal }) => getContact(id, signal) });
  const found = useQuery({
    // The same request as the console's search, so the two share the cached page.
    queryKey: contactSearchKeys.query(query, 1),
    queryFn: ({ signal }) => searchContacts(query, 1, signal),
    enabled: query.length > 0,
  });
  // Both cards go with the version on screen: the server refuses the merge if either changed since.
  const merge = useMutation({
    mutationFn: ({ kept, other }: { kept: Contact; other: Contact }) =>
      mergeContacts(id, other.id, { expectedUpdatedAt: kept.updatedAt, sourceExpectedUpdatedAt: other.updatedAt }),
    onSuccess: ({ contact }) => {
      queryClient.setQueryData(contactKeys.card(contact.id), contact);
      // The source card is gone and its deals, calls and notes moved: every card, search and deal list may have changed.
      void queryClient.invalidateQueries({ queryKey: contactKeys.all });
      void queryClient.invalidateQueries({ queryKey: dealKeys.all });
    },
    onError: (error) => {
      const conflict = mergeConflict(error);
      // The preview shows the changed card as it is now; merging again sends that version.
      if (conflict?.mergeCard === 'target') queryClient.setQueryData(contactKeys.card(id), conflict.contact);
      else if (conflict) setSource(conflict.contact);
      // A failed merge is undone, but the kept card may have a new version and the other card may be gone.
      else void queryClient.invalidateQueries({ queryKey: contactKeys.all });
    },
  });
  const conflict = mergeConflict(merge.error);
  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    setQuery(text.trim());
  };
  if (target.isPending) return <p className="muted panel__pad">{t('common.loading')}</p>;
  if (target.isError) return <ErrorNotice error={target.error} className="panel__pad" />;

  return (
    <div className="contact-merge">
      <div className="contact-card__head">
        <h3 className="contact-card__name">{t('agent.merge.title', { name: target.data.name })}</h3>
        <button type="button" className="button button--small" onClick={() => openCard(id)} aria-label={t('common.close')}>
          ×
        </button>
      </div>
      {merge.isSuccess ? (
        <div className="notice notice--success" role="status">
          <p>
            {t('agent.merge.done', {
              name: merge.data.contact.name,
              calls: merge.data.moved.calls,
              notes: merge.data.moved.notes,
              deals: merge.data.moved.deals,
            })}
          </p>
          <button type="button" className="button button--small" onClick={() => openCard(merge.data.contact.id)}>
            {t('agent.contacts.openExisting', { name: merge.data.contact.name })}
          </button>
        </div>
      ) : (
        <>
          <p className="muted">{t('agent.merge.hint', { name: target.data.name })}</p>
          <form className="merge-search" onSubmit={onSearch}>
            <label htmlFor={inputId} className="visually-hidden">
              {t('agent.merge.find')}
            </label>
            <input
              id={inputId}
              className="input"
              type="search"
              autoFocus
              autoComplete="off"
              placeholder={t('agent.merge.find')}
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
            <button type="submit" className="button">
              {t('agent.search.submit')}
            </button>
          </form>
          {found.data && (
            <ul className="merge-results">
              {found.data.items
                .filter((contact) => contact.id !== id)
                .map((contact) => (
                  <li key={contact.id}>
                    <label>
                      <input type="radio" name={`${inputId}-source`} checked={source?.id === contact.id} onChange={() => setSource(contact)} />{' '}
                      {summary(contact)}
                    </label>
                  </li>
                ))}
            </ul>
          )}
          {source && (
            <div className="merge-preview">
              <p>{t('agent.merge.keep', { card: summary(target.data) })}</p>
              <p>{t('agent.merge.remove', { card: summary(source) })}</p>
              <button
                type="button"
                className="button button--primary"
                disabled={merge.isPending}
                onClick={() => merge.mutate({ kept: target.data, other: source })}
              >
                {t('agent.merge.confirm', { source: source.name, target: target.data.name })}
              </button>
            </div>
          )}
          {merge.isError && (
            <p className="notice notice--error" role="alert">
              {conflict
                ? t('agent.merge.changed', { name: conflict.contact.name, time: format.time(conflict.contact.updatedAt) })
                : isApiError(merge.error) && merge.error.status === 403
                  ? t('agent.merge.forbidden')
                  : errorMessage(merge.error)}
            </p>
          )}
        </>
      )}
    </div>
  );
}
