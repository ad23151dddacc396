import { QueryClient } from '@tanstack/react-query';
import { isApiError } from './api-client.js';

/**
 * The consoles' react-query defaults: client errors (4xx) are answers, not glitches, so they are
 * not retried; network and server errors are retried twice. Live data arrives over the socket,
 * so refetching on window focus would only add load.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
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
}
