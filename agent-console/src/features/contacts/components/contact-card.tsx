import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONTACT_MERGE_ROLES, formatPhone, hasRole, type Contact } from '@crm/shared';
import { ErrorNotice, useHotkey, useMe } from '@crm/shared/ui/index.js';
import { DialButton } from '../../dialing/components/dial-button.js';
import { useDial, type DialTarget } from '../../dialing/hooks/dial-context.js';
import { ClientLocalTime, zoneCity } from '../../local-time/components/client-local-time.js';
import { useCountryName } from '../../current-call/components/unknown-caller-form.js';
import { useCompanySettings, useUserDirectory } from '../../settings/api.js';
import { contactKeys, getContact } from '../api.js';
import { useContactWorkspace } from '../hooks/contact-workspace.js';
import { ContactDeals } from './contact-deals.js';
import { ContactForm } from './contact-form.js';
import { ContactTimeline } from './contact-timeline.js';

type Tab = 'details' | 'timeline' | 'deals';
const TABS: Tab[] = ['details', 'timeline', 'deals'];

const dialTarget = (contact: Contact, number: string): DialTarget => ({
  number,
  contactId: contact.id,
  name: contact.name,
  timeZone: contact.timeZone,
});

function Details({ contact }: { contact: Contact }) {
  const { t } = useTranslation();
  const users = useUserDirectory();
  const { customFields, callingWindow } = useCompanySettings();
  const countryName = useCountryName();
  const name = (id: string) => users.get(id)?.displayName ?? t('agent.contacts.unknownUser');
  const fact = (label: string, value: string | null | undefined) => (
    <div>
      <dt>{label}</dt>
      <dd>{value || <span className="muted">{t('common.notSet')}</span>}</dd>
    </div>
  );
  const zone = contact.timeZone;
  const zoneText = zone.zone
    ? t(`agent.contacts.zoneSource.${zone.source}`, { zone: zoneCity(zone.zone) })
    : zone.candidates.length > 1
      ? t('agent.pop.zoneCandidates', { zones: zone.candidates.map(zoneCity).join(', ') })
      : null;
  return (
    <div className="contact-details">
      <div className="contact-details__main">
        <ul className="phones" aria-label={t('agent.contacts.phones')}>
          {contact.phones.map((phone, index) => (
            <li key={phone} className="phones__item">
              <span className="phones__number tabular">{formatPhone(phone)}</span>
              {index === 0 && <span className="badge">{t('agent.contacts.mainPhone')}</span>}
              <DialButton target={dialTarget(contact, phone)} shortcut={index === 0 ? 'D' : undefined} />
            </li>
          ))}
        </ul>
        <dl className="facts facts--card">
          {fact(t('agent.contacts.email'), contact.email)}
          {fact(t('agent.contacts.city'), contact.city)}
          {fact(t('agent.contacts.address'), contact.address)}
          {fact(t('agent.contacts.country'), [countryName(contact.country), contact.region].filter(Boolean).join(' · '))}
          {fact(t('agent.contacts.segment'), contact.segment && t('agent.contacts.segmentValue', { segment: contact.segment }))}
          {fact(t('agent.contacts.leadSource'), contact.leadSource)}
          {fact(t('agent.contacts.owner'), contact.ownerId && name(contact.ownerId))}
          {fact(t('agent.contacts.managers'), contact.managerIds.map(name).join(', '))}
          {fact(t('agent.contacts.timeZone'), zoneText)}
          {fact(t('agent.contacts.tags'), contact.tags.join(', '))}
          {customFields.map((definition) => {
            const value = contact.customFields[definition.key];
            return (
              <div key={definition.key}>
                <dt>{definition.label}</dt>
                <dd>{value === undefined ? <span className="muted">{t('common.notSet')}</span> : String(value)}</dd>
              </div>
            );
          })}
        </dl>
      </div>
      <ClientLocalTime timeZone={contact.timeZone} window={callingWindow} size="compact" />
    </div>
  );
}

/** An open card: details with click-to-dial (`D` dials the main number), timeline, deals; edit in place. */
export function ContactCard({ id }: { id: string }) {
  const { t } = useTranslation();
  const tabsId = useId();
  const { close, openMerge } = useContactWorkspace();
  // The server refuses a merge from an agent; only the roles that may merge see the button.
  const canMerge = hasRole(useMe().data?.role, CONTACT_MERGE_ROLES);
  const { dial, isBusy } = useDial();
  const [tab, setTab] = useState<Tab>('details');
  const [isEditing, setEditing] = useState(false);
  const card = useQuery({ queryKey: contactKeys.card(id), queryFn: ({ signal }) => getContact(id, signal) });
  const contact = card.data;
  const mainPhone = contact?.phones[0];
  useHotkey('d', () => {
    if (contact && mainPhone && !isBusy) dial(dialTarget(contact, mainPhone));
  }, { enabled: Boolean(mainPhone) && !isEditing });
  useHotkey('e', () => setEditing(true), { enabled: Boolean(contact) && !isEditing });
  useHotkey('Escape', close, { enabled: !isEditing });

  if (card.isPending) return <p className="muted panel__pad">{t('common.loading')}</p>;
  if (card.isError || !contact) return <ErrorNotice error={card.error} className="panel__pad" />;

  if (isEditing) {
    return (
      <div className="contact-card">
        <h3 className="contact-card__subtitle">{t('agent.contacts.editTitle', { name: contact.name })}</h3>
        <ContactForm contact={contact} onSaved={() => setEditing(false)} onCancel={() => setEditing(false)} />
      </div>
    );
  }
  return (
    <div className="contact-card" data-contact-id={contact.id}>
      <div className="contact-card__head">
        <div>
          <h3 className="contact-card__name">
            {contact.name}
            {contact.vip && <span className="badge badge--warning">{t('agent.contacts.vip')}</span>}
          </h3>
          {contact.company && <p className="contact-card__company">{contact.company}</p>}
        </div>
        <div className="contact-card__actions">
          <button type="button" className="button button--small" onClick={() => setEditing(true)} aria-keyshortcuts="E">
            {t('common.edit')}
            <kbd className="kbd" aria-hidden="true">
              E
            </kbd>
          </button>
          {canMerge && (
            <button type="button" className="button button--small" onClick={() => openMerge(contact.id)}>
              {t('agent.merge.open')}
            </button>
          )}
          <button type="button" className="button button--small" onClick={close} aria-label={t('agent.contacts.closeCard', { name: contact.name })}>
            ×
          </button>
        </div>
      </div>
      <div className="tabs" role="tablist" aria-label={t('agent.contacts.sections')}>
        {TABS.map((item) => (
          <button
            key={item}
            type="button"
            role="tab"
            id={`${tabsId}-${item}`}
            aria-selected={tab === item}
            aria-controls={`${tabsId}-${item}-panel`}
            className="tabs__tab"
            onClick={() => setTab(item)}
          >
            {t(`agent.contacts.tab.${item}`)}
          </button>
        ))}
      </div>
      <div className="contact-card__body" role="tabpanel" id={`${tabsId}-${tab}-panel`} aria-labelledby={`${tabsId}-${tab}`}>
        {tab === 'details' && <Details contact={contact} />}
        {tab === 'timeline' && <ContactTimeline contactId={contact.id} />}
        {tab === 'deals' && <ContactDeals contactId={contact.id} />}
      </div>
    </div>
  );
}
