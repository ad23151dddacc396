import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_AUTONYMS } from '@crm/shared/i18n/index.js';
import { LANGUAGES } from '@crm/shared';
import {
  destinationAfterLogin,
  goTo,
  isApiError,
  isLanguage,
  login,
  rememberLanguage,
  sessionKeys,
  useDocumentTitle,
  useErrorMessage,
  useLanguage,
  useMe,
} from '@crm/shared/ui/index.js';

const nextParam = () => new URLSearchParams(window.location.search).get('next');

/** The one sign-in page of the product; sends each role to its console afterwards. */
export function LoginPage() {
  const { t, i18n } = useTranslation();
  const language = useLanguage();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const me = useMe();
  const [loginValue, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [isMissingInput, setMissingInput] = useState(false);
  const loginRef = useRef<HTMLInputElement>(null);
  const errorId = useId();
  const languageId = useId();

  const signIn = useMutation({
    mutationFn: login,
    onSuccess: ({ user }) => {
      queryClient.setQueryData(sessionKeys.me, user);
      rememberLanguage(user.language);
      goTo(destinationAfterLogin(user.role, nextParam()), { replace: true });
    },
    onError: () => {
      setPassword('');
    },
  });

  // Already signed in (e.g. opened /login in a second tab): go straight to work.
  useEffect(() => {
    if (me.data && !signIn.isSuccess) goTo(destinationAfterLogin(me.data.role, nextParam()), { replace: true });
  }, [me.data, signIn.isSuccess]);

  useDocumentTitle(t('login.title'), t('app.name'));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = loginValue.trim();
    if (!trimmed || !password) {
      setMissingInput(true);
      loginRef.current?.focus();
      return;
    }
    setMissingInput(false);
    signIn.mutate({ login: trimmed, password });
  };

  const failure = signIn.error;
  const failureText = isMissingInput
    ? t('login.required')
    : !failure
      ? null
      : isApiError(failure) && failure.status === 401
        ? t('login.invalid')
        : isApiError(failure) && failure.status === 429
          ? t('login.rateLimited')
          : isApiError(failure) && failure.code === 'ACCOUNT_DISABLED'
            ? t('login.disabled')
            : errorMessage(failure);

  return (
    <main className="login">
      <div className="login__card">
        <div className="login__brand">
          <span className="app-header__logo" aria-hidden="true" />
          <span>{t('app.name')}</span>
        </div>
        <h1 className="login__title">{t('login.title')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        <form className="login__form" onSubmit={onSubmit} noValidate aria-describedby={failureText ? errorId : undefined}>
          <div className="field">
            <label htmlFor="login-login">{t('login.login')}</label>
            <input
              id="login-login"
              ref={loginRef}
              name="username"
              autoComplete="username"
              autoFocus
              value={loginValue}
              onChange={(event) => setLogin(event.target.value)}
              aria-invalid={isMissingInput && !loginValue.trim() ? true : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">{t('login.password')}</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-invalid={isMissingInput && !password ? true : undefined}
            />
          </div>
          <div className="login__error" aria-live="assertive">
            {failureText && (
              <p id={errorId} role="alert" className="notice notice--error">
                {failureText}
              </p>
            )}
          </div>
          <button type="submit" className="button button--primary button--block" disabled={signIn.isPending}>
            {signIn.isPending ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
        <div className="login__language field field--inline">
          <label htmlFor={languageId}>{t('userMenu.language')}</label>
          <select
            id={languageId}
            value={language}
            onChange={(event) => {
              const next = event.target.value;
              if (!isLanguage(next)) return;
              void i18n.changeLanguage(next);
              rememberLanguage(next);
            }}
          >
            {LANGUAGES.map((lang) => (
              <option key={lang} value={lang} lang={lang}>
                {LANGUAGE_AUTONYMS[lang]}
              </option>
            ))}
          </select>
        </div>
      </div>
    </main>
  );
}
