import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, ROLES, type CreateUserRequest, type Language, type Role, type UpdateUserRequest, type User } from '@crm/shared';
import { LANGUAGE_AUTONYMS } from '@crm/shared/i18n/index.js';
import { isApiError, isLanguage, useErrorMessage } from '@crm/shared/ui/index.js';
import { createUser, updateUser, userKeys } from '../api.js';

interface Draft {
  login: string;
  password: string;
  displayName: string;
  role: Role;
  extension: string;
  queues: string;
  language: Language;
}

const FIELDS = ['login', 'password', 'displayName', 'role', 'extension', 'queues', 'language'] as const;
type FieldName = (typeof FIELDS)[number];

const draftFrom = (user: User | null): Draft => ({
  login: user?.login ?? '',
  password: '',
  displayName: user?.displayName ?? '',
  role: user?.role ?? 'agent',
  extension: user?.extension ?? '',
  queues: user?.queues.join(', ') ?? '',
  language: user?.language ?? 'ru',
});

const parseQueues = (text: string) =>
  text
    .split(',')
    .map((queue) => queue.trim())
    .filter(Boolean);

/** `queues.1` belongs to the queues field; anything we do not show becomes a form-level message. */
const fieldOf = (key: string): FieldName | null => {
  const base = key.replace(/^body\./, '').split('.')[0] ?? '';
  return (FIELDS as readonly string[]).includes(base) ? (base as FieldName) : null;
};

function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * Create a user (`user` null) or edit one. The server validates; its `field: message` answers are
 * shown under the fields they name, and the first of them gets the focus.
 */
export function UserForm({ user, onDone, onCancel }: { user: User | null; onDone: (saved: User, isNew: boolean) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftFrom(user));
  const isNew = user === null;

  useEffect(() => {
    setDraft(draftFrom(user));
    formRef.current?.querySelector<HTMLElement>('input')?.focus();
  }, [user]);

  const save = useMutation({
    mutationFn: async (value: Draft) => {
      const extension = value.extension.trim() || null;
      const queues = parseQueues(value.queues);
      if (isNew) {
        const request: CreateUserRequest = {
          login: value.login.trim(),
          password: value.password,
          displayName: value.displayName.trim(),
          role: value.role,
          extension,
          queues,
          language: value.language,
        };
        return (await createUser(request)).user;
      }
      const request: UpdateUserRequest = { displayName: value.displayName.trim(), role: value.role, extension, queues, language: value.language };
      if (value.password) request.password = value.password;
      return (await updateUser(user.id, request)).user;
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: userKeys.all });
      onDone(saved, isNew);
    },
  });

  const fieldErrors: Partial<Record<FieldName, string>> = {};
  const otherErrors: string[] = [];
  if (isApiError(save.error)) {
    for (const [key, message] of Object.entries(save.error.fieldErrors)) {
      const field = fieldOf(key);
      if (field && !fieldErrors[field]) fieldErrors[field] = message;
      else if (!field) otherErrors.push(`${key}: ${message}`);
    }
  }
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  const formError = save.isError && !hasFieldErrors ? errorMessage(save.error) : null;

  useEffect(() => {
    if (!hasFieldErrors) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error, hasFieldErrors]);

  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(draft);
  };
  const fieldId = (name: FieldName) => `${id}-${name}`;

  return (
    <form ref={formRef} className="user-form" onSubmit={onSubmit} noValidate aria-label={isNew ? t('admin.users.createTitle') : t('admin.users.editTitle', { login: user.login })}>
      <h2 className="panel__title">{isNew ? t('admin.users.createTitle') : t('admin.users.editTitle', { login: user.login })}</h2>
      {hasFieldErrors && (
        <p role="alert" className="notice notice--error">
          {t('admin.users.fixFields')}
          {otherErrors.length > 0 && ` ${otherErrors.join('; ')}`}
        </p>
      )}
      {formError && (
        <p role="alert" className="notice notice--error">
          {formError}
        </p>
      )}
      {isNew && (
        <Field id={fieldId('login')} label={t('admin.users.login')} error={fieldErrors.login}>
          {(props) => <input {...props} autoComplete="off" value={draft.login} onChange={(e) => set('login')(e.target.value)} />}
        </Field>
      )}
      <Field id={fieldId('displayName')} label={t('admin.users.displayName')} error={fieldErrors.displayName}>
        {(props) => <input {...props} value={draft.displayName} onChange={(e) => set('displayName')(e.target.value)} />}
      </Field>
      <Field
        id={fieldId('password')}
        label={t('admin.users.password')}
        hint={isNew ? undefined : t('admin.users.passwordKeep')}
        error={fieldErrors.password}
      >
        {(props) => (
          <input {...props} type="password" autoComplete="new-password" value={draft.password} onChange={(e) => set('password')(e.target.value)} />
        )}
      </Field>
      <div className="user-form__row">
        <Field id={fieldId('role')} label={t('admin.users.role')} error={fieldErrors.role}>
          {(props) => (
            <select {...props} value={draft.role} onChange={(e) => set('role')(e.target.value as Role)}>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`roles.${role}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={fieldId('language')} label={t('admin.users.language')} error={fieldErrors.language}>
          {(props) => (
            <select
              {...props}
              value={draft.language}
              onChange={(e) => {
                if (isLanguage(e.target.value)) set('language')(e.target.value);
              }}
            >
              {LANGUAGES.map((lang) => (
                <option key={lang} value={lang} lang={lang}>
                  {LANGUAGE_AUTONYMS[lang]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field id={fieldId('extension')} label={t('admin.users.extension')} hint={t('admin.users.extensionHint')} error={fieldErrors.extension}>
        {(props) => <input {...props} inputMode="numeric" value={draft.extension} onChange={(e) => set('extension')(e.target.value)} />}
      </Field>
      <Field id={fieldId('queues')} label={t('admin.users.queues')} hint={t('admin.users.queuesHint')} error={fieldErrors.queues}>
        {(props) => <input {...props} value={draft.queues} onChange={(e) => set('queues')(e.target.value)} />}
      </Field>
      <div className="user-form__actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
