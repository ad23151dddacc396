import { createInstance, type i18n as I18n } from 'i18next';
import { useEffect, useMemo } from 'react';
import { initReactI18next, useTranslation } from 'react-i18next';
import {
  catalogs,
  FALLBACK_LANGUAGE,
  formatDate,
  formatDateTime,
  formatDuration,
  formatList,
  formatLongDate,
  formatNumber,
  formatTime,
  formatTimeWithSeconds,
  localeFor,
  type Messages,
} from '../i18n/index.js';
import { LANGUAGES, type Language } from '../roles.js';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}

const STORED_LANGUAGE_KEY = 'crm.language';

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

const browserLanguages = (): readonly string[] =>
  typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language];

/**
 * The language to show before we know the user (the login page): the last one chosen on this
 * device, else the first browser language we have a catalog for, else Russian.
 */
export function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORED_LANGUAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage may be blocked; the browser's preference still works.
  }
  for (const tag of browserLanguages()) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return FALLBACK_LANGUAGE;
}

export function rememberLanguage(language: Language): void {
  try {
    localStorage.setItem(STORED_LANGUAGE_KEY, language);
  } catch {
    // Not fatal: the server keeps the user's choice.
  }
}

/** One i18next instance per app (tests create their own). Catalogs are bundled, so init is synchronous. */
export function createI18n(language: Language = initialLanguage()): I18n {
  const instance = createInstance();
  void instance.use(initReactI18next).init({
    resources: Object.fromEntries(LANGUAGES.map((lang) => [lang, { translation: catalogs[lang] }])),
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  const syncDocument = (lng: string) => {
    if (typeof document !== 'undefined') document.documentElement.lang = lng;
  };
  syncDocument(language);
  instance.on('languageChanged', syncDocument);
  return instance;
}

/** The current UI language, typed. */
export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : isLanguage(i18n.language) ? i18n.language : 'en';
}

/** Switches the UI to the signed-in user's saved language once it is known. */
export function useUserLanguage(language: Language | undefined): void {
  const { i18n } = useTranslation();
  useEffect(() => {
    if (language && i18n.language !== language) {
      void i18n.changeLanguage(language);
      rememberLanguage(language);
    }
  }, [i18n, language]);
}

/** Date, time and number formatters bound to the user's locale (language + browser conventions). */
export function useFormat() {
  const language = useLanguage();
  return useMemo(() => {
    const locale = localeFor(language, browserLanguages());
    return {
      locale,
      time: (value: Date | string | number, timeZone?: string) => formatTime(value, locale, { timeZone }),
      timeWithSeconds: (value: Date | string | number, timeZone?: string) =>
        formatTimeWithSeconds(value, locale, { timeZone }),
      date: (value: Date | string | number, timeZone?: string) => formatDate(value, locale, { timeZone }),
      longDate: (value: Date | string | number, timeZone?: string) => formatLongDate(value, locale, { timeZone }),
      dateTime: (value: Date | string | number, timeZone?: string) => formatDateTime(value, locale, { timeZone }),
      duration: formatDuration,
      number: (value: number, options?: Intl.NumberFormatOptions) => formatNumber(value, locale, options),
      list: (values: readonly string[]) => formatList(values, locale),
    };
  }, [language]);
}
