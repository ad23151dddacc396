import { useTranslation } from 'react-i18next';
import { formatPhone, isE164, type ContactRef } from '@crm/shared';
import { useContactWorkspace } from '../hooks/contact-workspace.js';

/** A number refused because another card holds it: names that card and opens it in one click. */
export function DuplicatePhoneNotice({ phone, existing }: { phone: string; existing: ContactRef }) {
  const { t } = useTranslation();
  const { openCard } = useContactWorkspace();
  const name = existing.company ? `${existing.name} (${existing.company})` : existing.name;
  return (
    <div className="notice notice--error duplicate-notice" role="alert">
      <p>{t('agent.contacts.duplicatePhone', { phone: phone && isE164(phone) ? formatPhone(phone) : phone, name })}</p>
      <button type="button" className="button button--small" onClick={() => openCard(existing.id)}>
        {t('agent.contacts.openExisting', { name: existing.name })}
      </button>
    </div>
  );
}
