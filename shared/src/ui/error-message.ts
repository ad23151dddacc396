import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from './api-client.js';

/** Turns any failure into a sentence from the catalogs (plus the server's words when they add something). */
export function useErrorMessage(): (error: unknown) => string {
  const { t } = useTranslation();
  return useCallback(
    (error: unknown) => {
      if (isApiError(error)) {
        if (error.isNetwork) return t('errors.network');
        if (error.status === 401) return t('errors.sessionExpired');
        if (error.status === 403) return t('errors.forbidden');
        if (error.status === 404 && error.code === 'NOT_FOUND') return t('errors.notAvailable');
        return t('errors.generic', { message: error.message });
      }
      return t('errors.generic', { message: error instanceof Error ? error.message : String(error) });
    },
    [t],
  );
}
