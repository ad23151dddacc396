import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_CALLING_WINDOW, formatPhone, internalCallPeer, type ContactTimeZone, type ScreenPopContact } from '@crm/shared';
import { ElapsedTime, EmptyState, useFormat, useHotkey } from '@crm/shared/ui/index.js';
import { LeadSourcePrompt } from '../../contacts/components/lead-source-prompt.js';
import { TimelineEntry, useStageName } from '../../contacts/components/timeline-entry.js';
import { useContactWorkspace } from '../../contacts/hooks/contact-workspace.js';
import { ClientLocalTime } from '../../local-time/components/client-local-time.js';
import { useCompanySettings, useUserDirectory } from '../../settings/api.js';
import { clientNumber, type CurrentCall } from '../hooks/use-current-call.js';
import { UnknownCallerForm } from './unknown-caller-form.js';

const NO_ZONE: ContactTimeZone = { zone: null, source: 'none', candidates: [] };

/** Queue, direction and wait: where the call came from. */
function CallLine({ current }: { current: CurrentCall }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { call } = current;
  const number = clientNumber(current);
  return (
    <p className="pop__call-line">
      <span className="pop__number tabular">{number ? formatPhone(number) : t('agent.call.withheldNumber')}</span>
      <span className="muted">
        {call.queue ?? t('agent.call.direct')} · {t(`callDirection.${call.direction}`)}
        {call.waitSeconds !== null && ` · ${t('agent.pop.waited', { duration: format.duration(call.waitSeconds) })}`}
      </span>
    </p>
  );
}

function ContactPop({ current, contact }: { current: CurrentCall; contact: ScreenPopContact }) {
  const { t } = useTranslation();
  const format = useFormat();
  const users = useUserDirectory();
  const stageName = useStageName();
  const { openCard } = useContactWorkspace();
  useHotkey('o', () => openCard(contact.id));
  const owner = contact.ownerId ? (users.get(contact.ownerId)?.displayName ?? null) : null;
  const deal = contact.openDeal;
  return (
    <div className="pop__who">
      <div className="pop__name-row">
        <h3 className="pop__name">{contact.name}</h3>
        {contact.vip && <span className="badge badge--warning pop__vip">{t('agent.contacts.vip')}</span>}
        {contact.segment && (
          <span className={`badge segment segment--${contact.segment}`}>{t('agent.contacts.segmentValue', { segment: contact.segment })}</span>
        )}
      </div>
      {contact.company && <p className="pop__company">{contact.company}</p>}
      <CallLine current={current} />
      <dl className="pop__facts">
        {contact.tags.length > 0 && (
          <div>
            <dt>{t('agent.contacts.tags')}</dt>
            <dd className="tags">
              {contact.tags.map((tag) => (
                <span key={tag} className="tag">
                  {tag}
                </span>
              ))}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('agent.contacts.owner')}</dt>
          <dd>{owner ?? t('common.notSet')}</dd>
        </div>
      </dl>
      {deal ? (
        <div className="pop__deal">
          <p className="pop__deal-title">
            <span className="pop__deal-label">{t('agent.pop.openDeal')}</span> {deal.title}
          </p>
          <p className="muted">
            {stageName(deal.stage)}
            {deal.amount !== null && ` · ${format.number(deal.amount, { style: 'currency', currency: deal.currency, maximumFractionDigits: 0 })}`}
          </p>
          <p className="pop__next-step">
            {deal.nextStep ? t('agent.pop.nextStep', { step: deal.nextStep.text }) : t('agent.pop.noNextStep')}
          </p>
        </div>
      ) : (
        <p className="muted pop__deal pop__deal--none">{t('agent.pop.noOpenDeal')}</p>
      )}
      <div className="pop__history">
        <p className="pop__section-title">{t('agent.pop.lastInteractions')}</p>
        {contact.lastInteractions.length === 0 ? (
          <p className="muted">{t('agent.pop.noInteractions')}</p>
        ) : (
          <ul className="pop__interactions">
            {contact.lastInteractions.slice(0, 3).map((item, index) => (
              <li key={`${item.kind}-${item.at}-${index}`}>
                <TimelineEntry item={item} compact />
              </li>
            ))}
          </ul>
        )}
      </div>
      {contact.leadSource === null && <LeadSourcePrompt contact={contact} />}
      <div className="pop__actions">
        <button type="button" className="button button--small" onClick={() => openCard(contact.id)} aria-keyshortcuts="O">
          {t('agent.pop.openCard')}
          <kbd className="kbd" aria-hidden="true">
            O
          </kbd>
        </button>
      </div>
    </div>
  );
}

/**
 * A colleague on the line (one agent dialed another's extension): who it is, and no client card to
 * offer. The caller sees their call in progress until the colleague picks up.
 */
function InternalCallPop({ current, peer }: { current: CurrentCall; peer: string }) {
  const { t } = useTranslation();
  const users = useUserDirectory();
  const colleague = [...users.values()].find((user) => user.extension === peer);
  const name = colleague ? colleague.displayName : t('agent.call.internalExtension', { extension: peer });
  return (
    <div className="pop" data-phase={current.phase} data-internal="true">
      <div className="pop__who">
        <div className="pop__name-row">
          <h3 className="pop__name">{name}</h3>
          <span className="badge">{t('agent.call.internal')}</span>
        </div>
        <p className="pop__call-line">
          <span className="pop__number tabular">
            {colleague ? t('agent.call.internalWith', { name: colleague.displayName, extension: peer }) : t('agent.call.internalExtension', { extension: peer })}
          </span>
        </p>
        {current.phase === 'calling' && <p className="notice pop__progress">{t('agent.dial.requesting', { who: name })}</p>}
        <p className="muted">{t('agent.call.internalHint')}</p>
      </div>
    </div>
  );
}

function ScreenPop({ current, extension }: { current: CurrentCall; extension: string | null }) {
  const peer = extension ? internalCallPeer(current.call, extension) : null;
  return peer ? <InternalCallPop current={current} peer={peer} /> : <ClientPop current={current} />;
}

function ClientPop({ current }: { current: CurrentCall }) {
  const { t } = useTranslation();
  const { callingWindow } = useCompanySettings();
  const callWindow = current.localTime?.facts?.window ?? callingWindow ?? DEFAULT_CALLING_WINDOW;
  const timeZone = current.contact?.timeZone ?? current.localTime?.timeZone ?? NO_ZONE;
  const number = clientNumber(current);
  return (
    <div className="pop" data-phase={current.phase}>
      <ClientLocalTime timeZone={timeZone} window={callWindow} size="large" />
      {current.contact ? (
        <ContactPop current={current} contact={current.contact} />
      ) : (
        <div className="pop__who">
          <div className="pop__name-row">
            <h3 className="pop__name pop__name--unknown">{t('agent.call.unknownCaller')}</h3>
          </div>
          <CallLine current={current} />
          {number ? <UnknownCallerForm key={number} number={number} localTime={current.localTime} /> : <p className="muted">{t('agent.pop.withheldHint')}</p>}
        </div>
      )}
    </div>
  );
}

/**
 * The screen-pop area. Its size never depends on whether a call is up, so a pop arriving does
 * not move anything else on the screen.
 */
export function CurrentCallPanel({ current, extension = null }: { current: CurrentCall | null; extension?: string | null }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <section className="panel call-panel" aria-labelledby={headingId}>
      <header className="panel__header">
        <h2 className="panel__title" id={headingId}>
          {t('agent.call.heading')}
        </h2>
        <div className="call-panel__status">
          {/* Only the call's phase is announced: the talk timer beside it changes every second. */}
          <span aria-live="polite">
            {current && (
              <span className={`badge ${current.phase === 'answered' ? 'badge--success' : 'badge--info call-panel__ringing'}`}>
                {current.phase === 'answered' ? t('agent.call.onCall') : t('agent.call.ringing')}
              </span>
            )}
          </span>
          {current?.phase === 'answered' && current.call.answeredAt && (
            <span className="call-panel__talk" title={t('agent.call.talk')}>
              <span className="tabular">
                <ElapsedTime since={current.call.answeredAt} />
              </span>
            </span>
          )}
        </div>
      </header>
      <div className="panel__body call-panel__body">
        {current ? (
          <ScreenPop key={current.call.linkedid} current={current} extension={extension} />
        ) : (
          <EmptyState icon="☎" title={t('agent.call.empty')} hint={t('agent.call.emptyHint')} />
        )}
      </div>
    </section>
  );
}
