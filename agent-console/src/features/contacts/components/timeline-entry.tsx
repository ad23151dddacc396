import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPhone, type TimelineItem } from '@crm/shared';
import { useFormat } from '@crm/shared/ui/index.js';
import { useCompanySettings } from '../../settings/api.js';

/** A funnel stage id in the admin's words. */
export function useStageName(): (stageId: string) => string {
  const { funnelStages } = useCompanySettings();
  return (stageId) => funnelStages.find((stage) => stage.id === stageId)?.name ?? stageId;
}

/** One line of a client's history: a call with its result, a note, or a deal moving on. */
export function TimelineEntry({ item, compact = false }: { item: TimelineItem; compact?: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const stageName = useStageName();
  /** The row every kind shares: when, an icon, then what happened. */
  const row = (kind: TimelineItem['kind'], modifier: string, icon: string, text: ReactNode) => (
    <div className={`timeline-entry timeline-entry--${modifier}`} data-kind={kind}>
      <time className="timeline-entry__at tabular" dateTime={item.at}>
        {format.dateTime(item.at)}
      </time>
      <span className="timeline-entry__icon" aria-hidden="true">
        {icon}
      </span>
      <span className="timeline-entry__text">{text}</span>
    </div>
  );
  switch (item.kind) {
    case 'call': {
      const { call } = item;
      const number = call.direction === 'inbound' ? call.callerNumber : call.calledNumber;
      return row(
        'call',
        'call',
        call.direction === 'inbound' ? '↙' : '↗',
        <>
          {t(`callDirection.${call.direction}`)} · {call.result ? t(`callResult.${call.result}`) : t('agent.recentCalls.inProgress')}
          {call.talkSeconds ? ` · ${format.duration(call.talkSeconds)}` : ''}
          {!compact && number ? ` · ${formatPhone(number)}` : ''}
          {!compact && call.agentExtension ? ` · ${t('agent.timeline.byExtension', { extension: call.agentExtension })}` : ''}
        </>,
      );
    }
    case 'note':
      return row(
        'note',
        'note',
        '✎',
        <>
          <span className={compact ? 'timeline-entry__note timeline-entry__note--clamped' : 'timeline-entry__note'}>{item.note.text}</span>
          {!compact && item.note.authorName && <span className="muted"> — {item.note.authorName}</span>}
        </>,
      );
    case 'deal-stage':
      return row(
        'deal-stage',
        'deal',
        '◆',
        <>
          {t('agent.timeline.dealStage', { deal: item.dealTitle, stage: stageName(item.stage) })}
          {!compact && item.note ? ` — ${item.note}` : ''}
        </>,
      );
  }
}
