import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState, ErrorNotice, useErrorMessage } from '@crm/shared/ui/index.js';
import { addNote, contactKeys, getTimeline, TIMELINE_PAGE } from '../api.js';
import { TimelineEntry } from './timeline-entry.js';

/** A client's history (calls, notes, deal stages), newest first, with a note box on top. */
export function ContactTimeline({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [text, setText] = useState('');
  const timeline = useInfiniteQuery({
    queryKey: contactKeys.timeline(contactId),
    queryFn: ({ pageParam, signal }) => getTimeline(contactId, { before: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.length < TIMELINE_PAGE ? undefined : last[last.length - 1]?.at),
    select: (data) => data.pages.flat(),
  });
  const save = useMutation({
    mutationFn: () => addNote(contactId, text.trim()),
    onSuccess: () => {
      setText('');
      void queryClient.invalidateQueries({ queryKey: contactKeys.timeline(contactId) });
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() && !save.isPending) save.mutate();
  };
  return (
    <div className="contact-timeline">
      <form
        className="note-form"
        onSubmit={onSubmit}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) onSubmit(event);
        }}
      >
        <label htmlFor={id} className="visually-hidden">
          {t('agent.timeline.note')}
        </label>
        <textarea
          id={id}
          className="input note-form__text"
          rows={2}
          placeholder={t('agent.timeline.notePlaceholder')}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" className="button" disabled={!text.trim() || save.isPending}>
          {save.isPending ? t('common.saving') : t('agent.timeline.addNote')}
        </button>
      </form>
      {save.isError && (
        <p className="field__error" role="alert">
          {errorMessage(save.error)}
        </p>
      )}
      {timeline.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : timeline.isError ? (
        <ErrorNotice error={timeline.error} />
      ) : timeline.data.length === 0 ? (
        <EmptyState title={t('agent.timeline.empty')} />
      ) : (
        <ol className="timeline" aria-label={t('agent.timeline.label')}>
          {timeline.data.map((item, index) => (
            <li key={`${item.kind}-${item.at}-${index}`}>
              <TimelineEntry item={item} />
            </li>
          ))}
        </ol>
      )}
      {timeline.hasNextPage && (
        <button type="button" className="button button--small" disabled={timeline.isFetchingNextPage} onClick={() => void timeline.fetchNextPage()}>
          {timeline.isFetchingNextPage ? t('common.loading') : t('agent.timeline.more')}
        </button>
      )}
    </div>
  );
}
