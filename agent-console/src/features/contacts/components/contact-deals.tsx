import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Deal } from '@crm/shared';
import { EmptyState, ErrorNotice, useErrorMessage, useFormat } from '@crm/shared/ui/index.js';
import { useCompanySettings } from '../../settings/api.js';
import { contactKeys, createDeal, listContactDeals, moveDealStage, updateDeal } from '../api.js';

function useDealsInvalidation(contactId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: contactKeys.deals(contactId) });
    void queryClient.invalidateQueries({ queryKey: contactKeys.timeline(contactId) });
  };
}

/** Stage and next step of one deal, changed in place. */
function DealRow({ deal }: { deal: Deal }) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const errorMessage = useErrorMessage();
  const { funnelStages } = useCompanySettings();
  const refresh = useDealsInvalidation(deal.contactId);
  const [stage, setStage] = useState(deal.stage);
  const [reason, setReason] = useState('');
  const [nextStep, setNextStep] = useState(deal.nextStep?.text ?? '');
  const isLost = funnelStages.find((item) => item.id === stage)?.kind === 'lost';
  const isOpen = deal.status === 'open';

  const move = useMutation({
    mutationFn: () => moveDealStage(deal.id, { stage, ...(isLost ? { reason: reason.trim() } : {}) }),
    onSuccess: refresh,
  });
  const saveStep = useMutation({
    mutationFn: () => updateDeal(deal.id, { nextStep: nextStep.trim() ? { text: nextStep.trim(), dueAt: deal.nextStep?.dueAt ?? null, taskId: deal.nextStep?.taskId ?? null } : null }),
    onSuccess: refresh,
  });
  const onMove = (event: FormEvent) => {
    event.preventDefault();
    if (stage !== deal.stage && (!isLost || reason.trim())) move.mutate();
  };
  const onStep = (event: FormEvent) => {
    event.preventDefault();
    if (nextStep.trim() !== (deal.nextStep?.text ?? '')) saveStep.mutate();
  };
  const error = move.error ?? saveStep.error;
  return (
    <li className="deal" data-status={deal.status}>
      <div className="deal__head">
        <p className="deal__title">{deal.title}</p>
        {deal.amount !== null && (
          <p className="deal__amount tabular">{format.number(deal.amount, { style: 'currency', currency: deal.currency, maximumFractionDigits: 0 })}</p>
        )}
      </div>
      <form className="deal__row" onSubmit={onMove}>
        <label htmlFor={`${id}-stage`}>{t('agent.deals.stage')}</label>
        <select id={`${id}-stage`} value={stage} onChange={(event) => setStage(event.target.value)}>
          {funnelStages.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </select>
        {isLost && stage !== deal.stage && (
          <input
            className="input"
            aria-label={t('agent.deals.lostReason')}
            placeholder={t('agent.deals.lostReason')}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        )}
        <button type="submit" className="button button--small" disabled={stage === deal.stage || (isLost && !reason.trim()) || move.isPending}>
          {t('agent.deals.move')}
        </button>
      </form>
      {isOpen ? (
        <form className="deal__row" onSubmit={onStep}>
          <label htmlFor={`${id}-step`}>{t('agent.deals.nextStep')}</label>
          <input id={`${id}-step`} className="input" value={nextStep} onChange={(event) => setNextStep(event.target.value)} />
          <button type="submit" className="button button--small" disabled={nextStep.trim() === (deal.nextStep?.text ?? '') || saveStep.isPending}>
            {t('common.save')}
          </button>
        </form>
      ) : (
        <p className="muted">
          {deal.status === 'won' ? t('agent.deals.won') : t('agent.deals.lost', { reason: deal.lostReason ?? '' })}
        </p>
      )}
      {deal.nextStep?.dueAt && <p className="muted">{t('agent.deals.due', { time: format.dateTime(deal.nextStep.dueAt) })}</p>}
      {error && (
        <p className="field__error" role="alert">
          {errorMessage(error)}
        </p>
      )}
    </li>
  );
}

function NewDealForm({ contactId, onDone }: { contactId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const errorMessage = useErrorMessage();
  const refresh = useDealsInvalidation(contactId);
  const [title, setTitle] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('RUB');
  const [nextStep, setNextStep] = useState('');
  const create = useMutation({
    mutationFn: () => {
      const value = Number(amount.replace(/\s/g, '').replace(',', '.'));
      return createDeal({
        contactId,
        title: title.trim(),
        amount: amount.trim() && Number.isFinite(value) ? value : null,
        currency: currency.trim() || 'RUB',
        nextStep: nextStep.trim() ? { text: nextStep.trim() } : null,
      });
    },
    onSuccess: () => {
      refresh();
      onDone();
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() && !create.isPending) create.mutate();
  };
  return (
    <form className="deal-form" onSubmit={onSubmit} aria-label={t('agent.deals.new')}>
      <div className="field">
        <label htmlFor={`${id}-title`}>{t('agent.deals.title')}</label>
        <input id={`${id}-title`} autoFocus autoComplete="off" value={title} onChange={(event) => setTitle(event.target.value)} />
      </div>
      <div className="deal-form__row">
        <div className="field">
          <label htmlFor={`${id}-amount`}>{t('agent.deals.amount')}</label>
          <input id={`${id}-amount`} inputMode="decimal" autoComplete="off" value={amount} onChange={(event) => setAmount(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-currency`}>{t('agent.deals.currency')}</label>
          <input id={`${id}-currency`} maxLength={3} autoComplete="off" value={currency} onChange={(event) => setCurrency(event.target.value.toUpperCase())} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-step`}>{t('agent.deals.nextStep')}</label>
        <input id={`${id}-step`} autoComplete="off" value={nextStep} onChange={(event) => setNextStep(event.target.value)} />
      </div>
      {create.isError && (
        <p className="field__error" role="alert">
          {errorMessage(create.error)}
        </p>
      )}
      <div className="contact-form__actions">
        <button type="button" className="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button--primary" disabled={!title.trim() || create.isPending}>
          {create.isPending ? t('common.saving') : t('agent.deals.create')}
        </button>
      </div>
    </form>
  );
}

/** The client's deals: create one, move it through the funnel, keep its next step. */
export function ContactDeals({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const [isCreating, setCreating] = useState(false);
  const deals = useQuery({
    queryKey: contactKeys.deals(contactId),
    queryFn: ({ signal }) => listContactDeals(contactId, signal),
  });
  return (
    <div className="contact-deals">
      {isCreating ? (
        <NewDealForm contactId={contactId} onDone={() => setCreating(false)} />
      ) : (
        <button type="button" className="button" onClick={() => setCreating(true)}>
          {t('agent.deals.new')}
        </button>
      )}
      {deals.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : deals.isError ? (
        <ErrorNotice error={deals.error} />
      ) : deals.data.length === 0 ? (
        <EmptyState title={t('agent.deals.empty')} />
      ) : (
        <ul className="deals">
          {deals.data.map((deal) => (
            <DealRow key={`${deal.id}-${deal.updatedAt}`} deal={deal} />
          ))}
        </ul>
      )}
    </div>
  );
}
