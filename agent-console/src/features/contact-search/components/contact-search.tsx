import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CONTACT_IMPORT_ROLES, formatPhone, hasRole } from '@crm/shared';
import { ErrorNotice, useMe } from '@crm/shared/ui/index.js';
import { useContactWorkspace } from '../../contacts/hooks/contact-workspace.js';
import { contactSearchKeys, searchContacts, SEARCH_PAGE_SIZE } from '../api.js';
import { useSlashToFocus } from '../hooks/use-slash-to-focus.js';

/** Arrow keys walk the result buttons (and back up to the search field). */
function moveFocus(event: KeyboardEvent<HTMLElement>, list: HTMLElement | null, input: HTMLInputElement | null) {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const buttons = [...(list?.querySelectorAll<HTMLButtonElement>('.search-results__open') ?? [])];
  if (buttons.length === 0) return;
  event.preventDefault();
  const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
  if (event.key === 'ArrowDown') buttons[Math.min(index + 1, buttons.length - 1)]?.focus();
  else if (index <= 0) input?.focus();
  else buttons[index - 1]?.focus();
}

/**
 * Contact search: `/` focuses it, Enter searches, ↓ walks the results, Enter opens a card, Escape
 * clears and leaves the field. Results float over the workspace, a page at a time.
 */
export function ContactSearch() {
  const { t } = useTranslation();
  const { openCard, newContact, openImport } = useContactWorkspace();
  // The server refuses an import from anyone else; an agent does not see the button.
  const canImport = hasRole(useMe().data?.role, CONTACT_IMPORT_ROLES);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const inputId = useId();
  const hintId = useId();
  useSlashToFocus(inputRef);

  const results = useQuery({
    queryKey: contactSearchKeys.query(query, page),
    queryFn: ({ signal }) => searchContacts(query, page, signal),
    enabled: query.length > 0,
    placeholderData: keepPreviousData,
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(text.trim());
    setPage(1);
  };
  const close = () => {
    setQuery('');
    setPage(1);
  };
  const open = (id: string) => {
    openCard(id);
    close();
  };

  const total = results.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE));
  // What a screen reader says once a search has answered: the count, not the whole list.
  const summary =
    !query || !results.data
      ? ''
      : results.data.items.length === 0
        ? t('agent.search.noResults', { query })
        : results.data.isTotalCapped
          ? t('agent.search.foundCapped', { count: total })
          : t('agent.search.found', { count: total });

  return (
    <section className="panel search-panel" aria-label={t('agent.search.label')}>
      <div className="search-bar">
        <form className="search-form" role="search" onSubmit={onSubmit}>
          <label htmlFor={inputId} className="visually-hidden">
            {t('agent.search.label')}
          </label>
          <span className="search-form__icon" aria-hidden="true">
            ⌕
          </span>
          <input
            id={inputId}
            ref={inputRef}
            type="search"
            className="search-form__input"
            placeholder={t('agent.search.placeholder')}
            aria-describedby={hintId}
            autoComplete="off"
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              moveFocus(event, listRef.current, inputRef.current);
              if (event.key !== 'Escape') return;
              setText('');
              close();
              event.currentTarget.blur();
            }}
          />
          <kbd className="search-form__kbd" id={hintId} title={t('agent.search.shortcut')}>
            <span aria-hidden="true">/</span>
            <span className="visually-hidden">{t('agent.search.shortcut')}</span>
          </kbd>
          <button type="submit" className="button">
            {t('agent.search.submit')}
          </button>
        </form>
        <div className="search-bar__actions">
          <button type="button" className="button" onClick={() => newContact()}>
            {t('agent.contacts.new')}
          </button>
          {canImport && (
            <button type="button" className="button" onClick={openImport}>
              {t('agent.import.open')}
            </button>
          )}
        </div>
      </div>
      {/* Always in the page, so the first answer is announced too (a live region that appears with its text often is not). */}
      <p className="visually-hidden" role="status">
        {summary}
      </p>
      {query && (
        <div
          className="search-results"
          ref={listRef}
          onKeyDown={(event) => {
            moveFocus(event, listRef.current, inputRef.current);
            if (event.key === 'Escape') {
              // Only the results close, not the card behind them.
              event.preventDefault();
              close();
              inputRef.current?.focus();
            }
          }}
        >
          {results.isPending ? (
            <p className="muted">{t('common.loading')}</p>
          ) : results.isError ? (
            <ErrorNotice error={results.error} />
          ) : results.data.items.length === 0 ? (
            <p className="muted">{t('agent.search.noResults', { query })}</p>
          ) : (
            <>
              <div className="search-results__head">
                <p className="muted">
                  {results.data.isTotalCapped
                    ? t('agent.search.foundCapped', { count: results.data.total })
                    : t('agent.search.found', { count: results.data.total })}
                </p>
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => {
                    close();
                    // The button goes away with the results: keep the keyboard in the search field.
                    inputRef.current?.focus();
                  }}
                >
                  {t('common.close')}
                </button>
              </div>
              <ul className="search-results__list" aria-label={t('agent.search.results')}>
                {results.data.items.map((contact) => (
                  <li key={contact.id} className="search-results__item">
                    <button type="button" className="search-results__open" onClick={() => open(contact.id)}>
                      <span className="search-results__name">{contact.name}</span>
                      {contact.company && <span className="muted">{contact.company}</span>}
                      {contact.phones[0] && <span className="tabular muted">{formatPhone(contact.phones[0])}</span>}
                      {contact.city && <span className="muted">{contact.city}</span>}
                    </button>
                  </li>
                ))}
              </ul>
              {pages > 1 && (
                <nav className="pager" aria-label={t('agent.search.pages')}>
                  <button type="button" className="button button--small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                    {t('agent.search.previous')}
                  </button>
                  <span className="muted">{t('agent.search.page', { page, pages })}</span>
                  <button type="button" className="button button--small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                    {t('agent.search.next')}
                  </button>
                </nav>
              )}
            </>
          )}
        </div>
      )}
    </section>
  );
}
