import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';

/**
 * Data the server pushes over the socket, kept in the react-query cache so every component reads
 * one copy: socket handlers write it with `queryClient.setQueryData(key, …)`, components read it
 * here. There is nothing to fetch, so invalidation keeps what was pushed.
 */
export function usePushedQuery<T>(queryKey: QueryKey, initial: T): T {
  const queryClient = useQueryClient();
  const { data } = useQuery<T>({
    queryKey,
    queryFn: () => queryClient.getQueryData<T>(queryKey) ?? initial,
    initialData: initial,
    staleTime: Infinity,
    gcTime: Infinity,
  });
  return data ?? initial;
}
