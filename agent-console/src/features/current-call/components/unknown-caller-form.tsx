import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { draftContactFromPop, formatPhone, regionIn, type ClientLocalTime } from '@crm/shared';
import { useErrorMessage, useLanguage } from '@crm/shared/ui/index.js';
import { contactSearchKeys } from '../../contact-search/api.js';
import { contactKeys, createContact, duplicateOf } from '../../contacts/api.js';
import { DuplicatePhoneNotice } from '../../contacts/components/duplicate-phone-notice.js';
import { useCompanySettings } from '../../settings/api.js';
import { zoneCity } from '../../local-time/components/client-local-time.js';
import { useUpdatePopContact } from '../hooks/use-current-call.js';

/** "RU" → "Russia" in the UI language. */
export function useCountryName(): (code: string | null) => string | null {
  const language = useLanguage();
  return (code) => {
    if (!code) return null;
    try {
      return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? code;
    } catch {
      return code;
    }
  };
}

/**
 * An unknown caller's new card, pre-filled from the number (country, region, zone). Typing the name
 * and pressing Enter saves it (Ctrl+Enter from any field); the pop then shows the saved card.
 */
export function UnknownCallerForm({ number, localTime }: { number: string; localTime: ClientLocalTime | null }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const countryName = useCountryName();
  const language = useLanguage();
  const errorMessage = useErrorMessage();
  const { leadSources } = useCompanySettings();
  const updatePop = useUpdatePopContact();
  const [name, setName] = useState('');
  const [company, setCompany] = useState('');
  const [leadSource, setLeadSource] = useState('');
  const nameRef = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    // Take the keyboard only when the agent is not busy typing somewhere else.
    if (document.activeElement === document.body || document.activeElement === null) nameRef.current?.focus();
  }, [number]);

  const save = useMutation({
    mutationFn: () =>
      createContact({
        ...draftContactFromPop(localTime, name.trim()),
        phones: [number],
        company: company.trim() || null,
        leadSource: leadSource.trim() || null,
      }),
    onSuccess: (contact) => {
      queryClient.setQueryData(contactKeys.card(contact.id), contact);
      // A search already on screen for this number would otherwise still say it is unknown.
      void queryClient.invalidateQueries({ queryKey: contactSearchKeys.all });
      updatePop(contact);
    },
  });
  const duplicate = duplicateOf(save.error);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!name.trim()) {
      nameRef.current?.focus();
      return;
    }
    if (!save.isPending) save.mutate();
  };

  const zone = localTime?.timeZone;
  const zoneText = zone?.zone
    ? zoneCity(zone.zone)
    : zone && zone.candidates.length > 1
      ? t('agent.pop.zoneCandidates', { zones: zone.candidates.map(zoneCity).join(', ') })
      : t('common.notSet');

  return (
    <form
      className="new-caller"
      aria-label={t('agent.pop.newCard')}
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit(event);
      }}
    >
      <dl className="new-caller__facts">
        <div>
          <dt>{t('agent.contacts.phone')}</dt>
          <dd className="tabular">{formatPhone(number)}</dd>
        </div>
        <div>
          <dt>{t('agent.contacts.country')}</dt>
          <dd>{countryName(localTime?.country ?? null) ?? t('common.notSet')}</dd>
        </div>
        <div>
          <dt>{t('agent.contacts.region')}</dt>
          <dd>{regionIn(localTime, language) ?? t('common.notSet')}</dd>
        </div>
        <div>
          <dt>{t('agent.contacts.timeZone')}</dt>
          <dd>{zoneText}</dd>
        </div>
      </dl>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('agent.contacts.name')}</label>
        <input
          id={`${id}-name`}
          ref={nameRef}
          autoComplete="off"
          value={name}
          aria-describedby={`${id}-hint`}
          onChange={(event) => setName(event.target.value)}
        />
        <p className="field__hint" id={`${id}-hint`}>
          {t('agent.pop.saveHint')}
        </p>
      </div>
      <div className="new-caller__row">
        <div className="field">
          <label htmlFor={`${id}-company`}>{t('agent.contacts.company')}</label>
          <input id={`${id}-company`} autoComplete="off" value={company} onChange={(event) => setCompany(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-source`}>{t('agent.contacts.leadSource')}</label>
          <input
            id={`${id}-source`}
            list={`${id}-sources`}
            autoComplete="off"
            value={leadSource}
            placeholder={t('agent.leadSource.placeholder')}
            onChange={(event) => setLeadSource(event.target.value)}
          />
          <datalist id={`${id}-sources`}>
            {leadSources.map((choice) => (
              <option key={choice} value={choice} />
            ))}
          </datalist>
        </div>
      </div>
      {duplicate ? (
        <DuplicatePhoneNotice phone={duplicate.phone} existing={duplicate.existing} />
      ) : (
        save.isError && (
          <p className="notice notice--error" role="alert">
            {errorMessage(save.error)}
          </p>
        )
      )}
      <div className="new-caller__actions">
        <button type="submit" className="button button--primary" disabled={save.isPending || !name.trim()}>
          {save.isPending ? t('common.saving') : t('agent.pop.saveCard')}
        </button>
      </div>
    </form>
  );
}
