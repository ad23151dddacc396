import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  SEGMENTS,
  type Contact,
  type ContactEditedElsewhereDetails,
  type CreateContactRequest,
  type CustomFieldDefinition,
  type Segment,
  type UpdateContactRequest,
} from '@crm/shared';
import { isApiError, useErrorMessage, useFormat } from '@crm/shared/ui/index.js';
import { contactSearchKeys } from '../../contact-search/api.js';
import { useUpdatePopContact } from '../../current-call/hooks/use-current-call.js';
import { useCompanySettings, useUserDirectory } from '../../settings/api.js';
import { contactKeys, createContact, duplicateOf, editedElsewhere, updateContact } from '../api.js';
import { DuplicatePhoneNotice } from './duplicate-phone-notice.js';

interface FormState {
  name: string;
  company: string;
  email: string;
  phones: string[];
  address: string;
  city: string;
  segment: Segment | '';
  vip: boolean;
  tags: string;
  leadSource: string;
  ownerId: string;
  managerIds: string[];
  timeZone: string;
  customFields: Record<string, string>;
}

const ZONES: readonly string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

function initialState(contact: Contact | null, draft: CreateContactRequest | null): FormState {
  const source = contact ?? draft;
  return {
    name: source?.name ?? '',
    company: source?.company ?? '',
    email: source?.email ?? '',
    phones: source?.phones?.length ? [...source.phones] : [''],
    address: source?.address ?? '',
    city: source?.city ?? '',
    segment: source?.segment ?? '',
    vip: source?.vip ?? false,
    tags: (source?.tags ?? []).join(', '),
    leadSource: source?.leadSource ?? '',
    ownerId: source?.ownerId ?? '',
    managerIds: [...(source?.managerIds ?? [])],
    // A zone inferred from the number is left to the server, so it follows the number.
    timeZone: contact?.timeZone.source === 'manual' ? (contact.timeZone.zone ?? '') : '',
    customFields: Object.fromEntries(Object.entries(source?.customFields ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)])),
  };
}

function toRequest(state: FormState, definitions: readonly CustomFieldDefinition[], isCreate: boolean): UpdateContactRequest {
  const text = (value: string) => value.trim() || null;
  const customFields: Record<string, string | number | null> = {};
  for (const definition of definitions) {
    const raw = (state.customFields[definition.key] ?? '').trim();
    if (!raw) {
      if (!isCreate) customFields[definition.key] = null;
      continue;
    }
    const number = Number(raw.replace(',', '.'));
    customFields[definition.key] = definition.type === 'number' && Number.isFinite(number) ? number : raw;
  }
  return {
    name: state.name.trim(),
    company: text(state.company),
    email: text(state.email),
    phones: state.phones.map((phone) => phone.trim()).filter(Boolean),
    address: text(state.address),
    city: text(state.city),
    segment: state.segment || null,
    vip: state.vip,
    tags: [...new Set(state.tags.split(',').map((tag) => tag.trim()).filter(Boolean))],
    leadSource: text(state.leadSource),
    ...(state.ownerId ? { ownerId: state.ownerId } : isCreate ? {} : { ownerId: null }),
    managerIds: state.managerIds.filter((id) => id !== state.ownerId),
    timeZone: text(state.timeZone),
    customFields,
  };
}

const isSame = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What an edit changes, as a request: only the fields (and custom values) that differ from the card
 * the form started from, and that card's version, so a colleague's save in between is not
 * overwritten but refused (409 CONTACT_EDITED_ELSEWHERE).
 */
export function editRequest(state: FormState, base: Contact, definitions: readonly CustomFieldDefinition[]): UpdateContactRequest {
  const next = toRequest(state, definitions, false);
  const before = toRequest(initialState(base, null), definitions, false);
  const change: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (key !== 'customFields' && !isSame(value, before[key as keyof UpdateContactRequest])) change[key] = value;
  }
  const customFields = Object.fromEntries(Object.entries(next.customFields ?? {}).filter(([key, value]) => !isSame(value, before.customFields?.[key] ?? null)));
  if (Object.keys(customFields).length > 0) change.customFields = customFields;
  return { ...(change as UpdateContactRequest), expectedUpdatedAt: base.updatedAt };
}

/** The form over a card reloaded after a colleague's save: what this agent changed stays as typed, the rest is the new card. */
function rebase(state: FormState, oldBase: Contact, fresh: Contact): FormState {
  const before = initialState(oldBase, null);
  const next = initialState(fresh, null);
  const merged: Record<string, unknown> = { ...next };
  for (const key of Object.keys(state) as Array<keyof FormState>) {
    if (key !== 'customFields' && !isSame(state[key], before[key])) merged[key] = state[key];
  }
  const customFields = { ...next.customFields };
  for (const [key, value] of Object.entries(state.customFields)) if (value !== (before.customFields[key] ?? '')) customFields[key] = value;
  return { ...(merged as unknown as FormState), customFields };
}

function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string | undefined; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error && <p className="field__hint">{hint}</p>}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * A card's every field, for a new card or an edit. Ctrl+Enter saves from any field. A number
 * already on another card is refused and that card named, one click away.
 */
export function ContactForm({
  contact,
  draft = null,
  onSaved,
  onCancel,
}: {
  contact: Contact | null;
  draft?: CreateContactRequest | null;
  onSaved: (contact: Contact) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const updatePop = useUpdatePopContact();
  const { customFields: definitions, leadSources } = useCompanySettings();
  const users = useUserDirectory();
  const format = useFormat();
  const [state, setState] = useState(() => initialState(contact, draft));
  // The card as it was when this edit started (or was last reloaded): what the edit is compared with.
  const [base, setBase] = useState(contact);
  const [isRebased, setIsRebased] = useState(false);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setState((current) => ({ ...current, [key]: value }));
  const isCreate = contact === null;
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => formRef.current?.querySelector<HTMLInputElement>('[data-autofocus]')?.focus(), []);

  const save = useMutation({
    mutationFn: async () => {
      if (isCreate || !base) return createContact(toRequest(state, definitions, true) as CreateContactRequest);
      const request = editRequest(state, base, definitions);
      // Nothing changed: nothing to send.
      if (Object.keys(request).length === 1) return base;
      return updateContact(base.id, request);
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(contactKeys.card(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: contactSearchKeys.all });
      updatePop(saved);
      onSaved(saved);
    },
  });
  const duplicate = duplicateOf(save.error);
  const conflict = editedElsewhere(save.error);
  const reload = (keepMine: boolean) => {
    if (!conflict || !base) return;
    const fresh = conflict.contact;
    queryClient.setQueryData(contactKeys.card(fresh.id), fresh);
    setState((current) => (keepMine ? rebase(current, base, fresh) : initialState(fresh, null)));
    setBase(fresh);
    setIsRebased(keepMine);
    save.reset();
  };
  const fieldErrors = isApiError(save.error) && !duplicate && !conflict ? save.error.fieldErrors : {};
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  const owners = useMemo(() => [...users.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)), [users]);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!save.isPending) save.mutate();
  };
  const input = (key: 'name' | 'company' | 'email' | 'address' | 'city', label: string, type = 'text') => (
    <Field id={`${id}-${key}`} label={label} error={fieldErrors[key]}>
      <input
        id={`${id}-${key}`}
        type={type}
        autoComplete="off"
        value={state[key]}
        aria-invalid={fieldErrors[key] ? true : undefined}
        required={key === 'name'}
        data-autofocus={key === 'name' ? true : undefined}
        onChange={(event) => set(key, event.target.value)}
      />
    </Field>
  );

  const ownerOptions = owners.map((user) => (
    <option key={user.id} value={user.id}>
      {user.displayName}
    </option>
  ));
  return (
    <form
      ref={formRef}
      className="contact-form"
      aria-label={isCreate ? t('agent.contacts.newTitle') : t('agent.contacts.editTitle', { name: contact.name })}
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit(event);
        if (event.key === 'Escape') onCancel();
      }}
    >
      <div className="contact-form__grid">
        {input('name', t('agent.contacts.name'))}
        {input('company', t('agent.contacts.company'))}
        <fieldset className="field contact-form__phones">
          <legend className="field__label">{t('agent.contacts.phones')}</legend>
          {state.phones.map((phone, index) => (
            <div className="contact-form__phone" key={index}>
              <input
                type="tel"
                autoComplete="off"
                aria-label={t('agent.contacts.phoneN', { n: index + 1 })}
                value={phone}
                aria-invalid={fieldErrors[`phones.${index}`] || fieldErrors.phones ? true : undefined}
                onChange={(event) => set('phones', state.phones.map((value, at) => (at === index ? event.target.value : value)))}
              />
              {state.phones.length > 1 && (
                <button
                  type="button"
                  className="button button--small"
                  aria-label={t('agent.contacts.removePhone', { n: index + 1 })}
                  onClick={() => set('phones', state.phones.filter((_, at) => at !== index))}
                >
                  ×
                </button>
              )}
            </div>
          ))}
          <button type="button" className="button button--small" onClick={() => set('phones', [...state.phones, ''])}>
            {t('agent.contacts.addPhone')}
          </button>
          {(fieldErrors.phones ?? Object.entries(fieldErrors).find(([key]) => key.startsWith('phones.'))?.[1]) && (
            <p className="field__error">{fieldErrors.phones ?? Object.entries(fieldErrors).find(([key]) => key.startsWith('phones.'))?.[1]}</p>
          )}
        </fieldset>
        {input('email', t('agent.contacts.email'), 'email')}
        {input('city', t('agent.contacts.city'))}
        {input('address', t('agent.contacts.address'))}
        <Field id={`${id}-segment`} label={t('agent.contacts.segment')} error={fieldErrors.segment}>
          <select id={`${id}-segment`} value={state.segment} onChange={(event) => set('segment', event.target.value as Segment | '')}>
            <option value="">{t('common.notSet')}</option>
            {SEGMENTS.map((segment) => (
              <option key={segment} value={segment}>
                {t('agent.contacts.segmentValue', { segment })}
              </option>
            ))}
          </select>
        </Field>
        <div className="field field--checkbox">
          <label>
            <input type="checkbox" checked={state.vip} onChange={(event) => set('vip', event.target.checked)} /> {t('agent.contacts.vip')}
          </label>
        </div>
        <Field id={`${id}-tags`} label={t('agent.contacts.tags')} hint={t('agent.contacts.tagsHint')} error={fieldErrors.tags}>
          <input id={`${id}-tags`} autoComplete="off" value={state.tags} onChange={(event) => set('tags', event.target.value)} />
        </Field>
        <Field id={`${id}-source`} label={t('agent.contacts.leadSource')} error={fieldErrors.leadSource}>
          <input
            id={`${id}-source`}
            list={`${id}-sources`}
            autoComplete="off"
            value={state.leadSource}
            onChange={(event) => set('leadSource', event.target.value)}
          />
          <datalist id={`${id}-sources`}>
            {leadSources.map((choice) => (
              <option key={choice} value={choice} />
            ))}
          </datalist>
        </Field>
        <Field id={`${id}-owner`} label={t('agent.contacts.owner')} error={fieldErrors.ownerId}>
          <select id={`${id}-owner`} value={state.ownerId} onChange={(event) => set('ownerId', event.target.value)}>
            <option value="">{isCreate ? t('agent.contacts.ownerMe') : t('common.notSet')}</option>
            {ownerOptions}
          </select>
        </Field>
        <Field id={`${id}-managers`} label={t('agent.contacts.managers')} hint={t('agent.contacts.managersHint')} error={fieldErrors.managerIds}>
          <select
            id={`${id}-managers`}
            multiple
            size={Math.min(4, Math.max(2, owners.length))}
            value={state.managerIds}
            onChange={(event) => set('managerIds', [...event.target.selectedOptions].map((option) => option.value))}
          >
            {ownerOptions}
          </select>
        </Field>
        <Field id={`${id}-zone`} label={t('agent.contacts.timeZone')} hint={t('agent.contacts.timeZoneHint')} error={fieldErrors.timeZone}>
          <input
            id={`${id}-zone`}
            list={`${id}-zones`}
            autoComplete="off"
            placeholder={t('agent.contacts.timeZoneAuto')}
            value={state.timeZone}
            onChange={(event) => set('timeZone', event.target.value)}
          />
          <datalist id={`${id}-zones`}>
            {ZONES.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </Field>
        {definitions.map((definition) => {
          const fieldId = `${id}-cf-${definition.key}`;
          const value = state.customFields[definition.key] ?? '';
          const change = (next: string) => set('customFields', { ...state.customFields, [definition.key]: next });
          const error = fieldErrors[`customFields.${definition.key}`] ?? fieldErrors[definition.key];
          return (
            <Field key={definition.key} id={fieldId} label={definition.required ? `${definition.label} *` : definition.label} error={error}>
              {definition.type === 'choice' ? (
                <select id={fieldId} value={value} onChange={(event) => change(event.target.value)}>
                  <option value="">{t('common.notSet')}</option>
                  {definition.choices.map((choice) => (
                    <option key={choice} value={choice}>
                      {choice}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={fieldId}
                  type={definition.type === 'date' ? 'date' : 'text'}
                  inputMode={definition.type === 'number' ? 'decimal' : undefined}
                  autoComplete="off"
                  value={value}
                  onChange={(event) => change(event.target.value)}
                />
              )}
            </Field>
          );
        })}
      </div>
      {conflict ? (
        <div className="notice notice--warning contact-form__conflict" role="alert">
          <p>{t('agent.contacts.editedElsewhere', { time: format.time(conflict.contact.updatedAt) })}</p>
          <div className="contact-form__conflict-actions">
            <button type="button" className="button button--primary button--small" onClick={() => reload(true)}>
              {t('agent.contacts.reloadKeepMine')}
            </button>
            <button type="button" className="button button--small" onClick={() => reload(false)}>
              {t('agent.contacts.reloadDiscardMine')}
            </button>
          </div>
        </div>
      ) : duplicate ? (
        <DuplicatePhoneNotice phone={duplicate.phone} existing={duplicate.existing} />
      ) : (
        save.isError && (
          <p className="notice notice--error" role="alert">
            {hasFieldErrors ? t('agent.contacts.fixFields', { message: save.error.message }) : errorMessage(save.error)}
          </p>
        )
      )}
      {isRebased && !save.isError && (
        <p className="notice" role="status">
          {t('agent.contacts.reloadedKeptMine')}
        </p>
      )}
      <div className="contact-form__actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? t('common.saving') : isCreate ? t('agent.contacts.create') : t('common.save')}
        </button>
        <span className="muted contact-form__hint">{t('agent.contacts.saveShortcut')}</span>
      </div>
    </form>
  );
}
