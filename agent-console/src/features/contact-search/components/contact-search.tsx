import { useQuery } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPhone } from '@crm/shared';
import { ErrorNotice } from '@crm/shared/ui/index.js';
import { contactSearchKeys, searchContacts } from '../api.js';
import { useSlashToFocus } from '../hooks/use-slash-to-focus.js';

/** Contact search: `/` focuses it, Enter searches, Escape clears and leaves the field. */
export function ContactSearch() {
  const { t } = useTranslation();
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const inputId = useId();
  const hintId = useId();
  useSlashToFocus(inputRef);

  const results = useQuery({
    queryKey: contactSearchKeys.query(query),
    queryFn: ({ signal }) => searchContacts(query, signal),
    enabled: query.length > 0,
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(text.trim());
  };

  return (
    <section className="panel search-panel" aria-label={t('agent.search.label')}>
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
            if (event.key !== 'Escape') return;
            setText('');
            setQuery('');
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
      {query && (
        <div className="search-results" aria-live="polite">
          {results.isPending ? (
            <p className="muted">{t('common.loading')}</p>
          ) : results.isError ? (
            <ErrorNotice error={results.error} />
          ) : results.data.items.length === 0 ? (
            <p className="muted">{t('agent.search.noResults', { query })}</p>
          ) : (
            <>
              <p className="muted">{t('agent.search.found', { count: results.data.total })}</p>
              <ul className="search-results__list">
                {results.data.items.map((contact) => (
                  <li key={contact.id} className="search-results__item">
                    <span className="search-results__name">{contact.name}</span>
                    {contact.company && <span className="muted">{contact.company}</span>}
                    {contact.phones[0] && <span className="tabular muted">{formatPhone(contact.phones[0])}</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
