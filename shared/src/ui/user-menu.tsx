import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../auth.js';
import { LANGUAGE_AUTONYMS } from '../i18n/index.js';
import { LANGUAGES, type Language } from '../roles.js';
import { useErrorMessage } from './error-message.js';
import { isLanguage, rememberLanguage, useLanguage } from './i18n.js';
import { goTo } from './navigation.js';
import { LOGIN_PATH, logout, saveMyLanguage, sessionKeys } from './session.js';

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');

/** Language picker that switches the UI at once and saves the choice to the user's profile. */
export function LanguageSelect({ user }: { user: User }) {
  const { t, i18n } = useTranslation();
  const language = useLanguage();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const id = useId();
  const save = useMutation({
    mutationFn: saveMyLanguage,
    onMutate: (next: Language) => {
      void i18n.changeLanguage(next);
      rememberLanguage(next);
    },
    onSuccess: ({ user: saved }) => queryClient.setQueryData(sessionKeys.me, saved),
    onError: () => {
      void i18n.changeLanguage(user.language);
      rememberLanguage(user.language);
    },
  });
  return (
    <div className="field field--inline">
      <label htmlFor={id}>{t('userMenu.language')}</label>
      <select
        id={id}
        value={language}
        disabled={save.isPending}
        onChange={(event) => {
          if (isLanguage(event.target.value)) save.mutate(event.target.value);
        }}
      >
        {LANGUAGES.map((lang) => (
          <option key={lang} value={lang} lang={lang}>
            {LANGUAGE_AUTONYMS[lang]}
          </option>
        ))}
      </select>
      {save.isError && (
        <p className="field__error" role="alert">
          {t('userMenu.languageSaveFailed', { message: errorMessage(save.error) })}
        </p>
      )}
    </div>
  );
}

/** The account button in the header: who is signed in, language, log out. */
export function UserMenu({ user }: { user: User }) {
  const { t } = useTranslation();
  const [isOpen, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: logout,
    onSettled: () => {
      queryClient.clear();
      goTo(LOGIN_PATH, { replace: true });
    },
  });

  useEffect(() => {
    if (!isOpen) return;
    panelRef.current?.querySelector<HTMLElement>('select, button')?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [isOpen]);

  return (
    <div className="user-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="user-menu__button"
        aria-expanded={isOpen}
        aria-controls={panelId}
        aria-label={t('userMenu.open', { name: user.displayName })}
        onClick={() => setOpen((open) => !open)}
      >
        <span className="avatar" aria-hidden="true">
          {initials(user.displayName) || user.login[0]?.toUpperCase()}
        </span>
        <span className="user-menu__who">
          <span className="user-menu__name">{user.displayName}</span>
          <span className="user-menu__role">{t(`roles.${user.role}`)}</span>
        </span>
      </button>
      <div id={panelId} ref={panelRef} className="user-menu__panel" hidden={!isOpen}>
        <p className="user-menu__signed-in">{t('userMenu.signedInAs', { login: user.login })}</p>
        {user.extension && <p className="muted">{t('userMenu.extension', { extension: user.extension })}</p>}
        <LanguageSelect user={user} />
        <button type="button" className="button button--block" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          {t('userMenu.logout')}
        </button>
      </div>
    </div>
  );
}
