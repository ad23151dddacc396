import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '@crm/shared';
import { LANGUAGE_AUTONYMS } from '@crm/shared/i18n/index.js';
import { EmptyState, MAIN_CONTENT_ID, useDocumentTitle, useErrorMessage } from '@crm/shared/ui/index.js';
import { listUsers, updateUser, userKeys } from '../api.js';
import { UserForm } from './user-form.js';

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; user: User };

/** Admin → Users: everyone who can sign in, with create, edit and disable/enable. */
export function UsersPage() {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const headingId = useId();
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const [notice, setNotice] = useState<string | null>(null);
  const createButtonRef = useRef<HTMLButtonElement>(null);
  const users = useQuery({ queryKey: userKeys.list(), queryFn: ({ signal }) => listUsers(signal) });

  const toggle = useMutation({
    mutationFn: (user: User) => updateUser(user.id, { disabled: !user.disabled }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });

  useDocumentTitle(t('admin.users.heading'), t('app.name'));

  const close = () => {
    setEditing({ kind: 'none' });
    createButtonRef.current?.focus();
  };

  return (
    <main className="page" id={MAIN_CONTENT_ID} tabIndex={-1} aria-labelledby={headingId}>
      <div className="page__header">
        <h1 className="page__title" id={headingId}>
          {t('admin.users.heading')}
        </h1>
        <button
          ref={createButtonRef}
          type="button"
          className="button button--primary"
          onClick={() => {
            setNotice(null);
            setEditing({ kind: 'new' });
          }}
        >
          {t('admin.users.create')}
        </button>
      </div>
      <div aria-live="polite" className="page__notice">
        {notice && <p className="notice notice--success">{notice}</p>}
        {toggle.isError && (
          <p role="alert" className="notice notice--error">
            {errorMessage(toggle.error)}
          </p>
        )}
      </div>
      <div className={`users-layout${editing.kind === 'none' ? '' : ' users-layout--editing'}`}>
        <section className="panel" aria-labelledby={headingId}>
          <div className="panel__body panel__body--flush">
            {users.isPending ? (
              <p className="muted panel__pad">{t('common.loading')}</p>
            ) : users.isError ? (
              <p role="alert" className="notice notice--error panel__pad">
                {errorMessage(users.error)}
              </p>
            ) : users.data.items.length === 0 ? (
              <EmptyState title={t('admin.users.empty')} />
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.users.login')}</th>
                    <th scope="col">{t('admin.users.displayName')}</th>
                    <th scope="col">{t('admin.users.role')}</th>
                    <th scope="col">{t('admin.users.extension')}</th>
                    <th scope="col">{t('admin.users.queues')}</th>
                    <th scope="col">{t('admin.users.language')}</th>
                    <th scope="col">{t('admin.users.status')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('admin.users.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {users.data.items.map((user) => (
                    <tr key={user.id} className={user.disabled ? 'is-disabled' : undefined}>
                      <td className="tabular">{user.login}</td>
                      <td>{user.displayName}</td>
                      <td>{t(`roles.${user.role}`)}</td>
                      <td className="tabular">{user.extension ?? '—'}</td>
                      <td>{user.queues.join(', ') || '—'}</td>
                      <td>{LANGUAGE_AUTONYMS[user.language]}</td>
                      <td>
                        <span className={`badge ${user.disabled ? 'badge--danger' : 'badge--success'}`}>
                          {user.disabled ? t('admin.users.disabled') : t('admin.users.active')}
                        </span>
                      </td>
                      <td className="row-actions">
                        <button
                          type="button"
                          className="button button--small"
                          aria-label={t('admin.users.editUser', { login: user.login })}
                          onClick={() => {
                            setNotice(null);
                            setEditing({ kind: 'edit', user });
                          }}
                        >
                          {t('common.edit')}
                        </button>
                        <button
                          type="button"
                          className={`button button--small${user.disabled ? '' : ' button--danger'}`}
                          aria-label={
                            user.disabled ? t('admin.users.enableUser', { login: user.login }) : t('admin.users.disableUser', { login: user.login })
                          }
                          disabled={toggle.isPending && toggle.variables?.id === user.id}
                          onClick={() => toggle.mutate(user)}
                        >
                          {user.disabled ? t('admin.users.enable') : t('admin.users.disable')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </section>
        {editing.kind !== 'none' && (
          <section className="panel users-layout__form">
            <div className="panel__body">
              <UserForm
                key={editing.kind === 'edit' ? editing.user.id : 'new'}
                user={editing.kind === 'edit' ? editing.user : null}
                onCancel={close}
                onDone={(saved, isNew) => {
                  setNotice(isNew ? t('admin.users.created', { login: saved.login }) : t('admin.users.saved', { login: saved.login }));
                  close();
                }}
              />
            </div>
          </section>
        )}
      </div>
    </main>
  );
}
