import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '@crm/shared';
import { useErrorMessage } from '@crm/shared/ui/index.js';
import { useUpdatePopContact } from '../../current-call/hooks/use-current-call.js';
import { useCompanySettings } from '../../settings/api.js';
import { contactKeys, updateContact } from '../api.js';

/** Asked on the call while the card has no lead source: how did this client find us? */
export function LeadSourcePrompt({ contact }: { contact: Pick<Contact, 'id' | 'name'> }) {
  const { t } = useTranslation();
  const { leadSources } = useCompanySettings();
  const queryClient = useQueryClient();
  const updatePop = useUpdatePopContact();
  const errorMessage = useErrorMessage();
  const [source, setSource] = useState('');
  const id = useId();
  const save = useMutation({
    mutationFn: (leadSource: string) => updateContact(contact.id, { leadSource }),
    onSuccess: (saved) => {
      queryClient.setQueryData(contactKeys.card(saved.id), saved);
      updatePop(saved);
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (source.trim()) save.mutate(source.trim());
  };
  return (
    <form className="lead-source-prompt notice notice--warning" onSubmit={onSubmit}>
      <label htmlFor={id} className="lead-source-prompt__question">
        {t('agent.leadSource.ask')}
      </label>
      <div className="lead-source-prompt__row">
        <input
          id={id}
          className="input"
          list={`${id}-choices`}
          value={source}
          placeholder={t('agent.leadSource.placeholder')}
          onChange={(event) => setSource(event.target.value)}
        />
        <datalist id={`${id}-choices`}>
          {leadSources.map((choice) => (
            <option key={choice} value={choice} />
          ))}
        </datalist>
        <button type="submit" className="button button--small" disabled={!source.trim() || save.isPending}>
          {save.isPending ? t('common.saving') : t('common.save')}
        </button>
      </div>
      {save.isError && (
        <p className="field__error" role="alert">
          {errorMessage(save.error)}
        </p>
      )}
    </form>
  );
}
