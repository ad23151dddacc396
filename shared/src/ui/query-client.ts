import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './api-client.js';
import { sessionKeys } from './session.js';

/**
 * The consoles' react-query defaults: client errors (4xx) are answers, not glitches, so they are
 * not retried; network and server errors are retried twice. Live data arrives over the socket,
 * so refetching on window focus would only add load. Any 401 means the session ended (expired,
 * logged out in another tab): the session is re-checked, which sends the user to the login page.
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown, key?: readonly unknown[]) => {
    if (!isApiError(error) || error.status !== 401 || key?.[0] === sessionKeys.me[0]) return;
    void client.invalidateQueries({ queryKey: sessionKeys.me });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => onError(error, query.queryKey) }),
    mutationCache: new MutationCache({ onError: (error, _variables, _context, mutation) => onError(error, mutation.options.mutationKey) }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => {
          if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
          return failureCount < 2;
        },
      },
      mutations: { retry: false },
    },
  });
  return client;
}
