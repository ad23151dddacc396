import { useQuery } from '@tanstack/react-query';
import { DEFAULT_COMPANY_SETTINGS, type CompanySettings, type Role } from '@crm/shared';
import { api } from '@crm/shared/ui/index.js';

export const settingsKeys = {
  company: ['settings', 'company'] as const,
  directory: ['users', 'directory'] as const,
};

export interface DirectoryUser {
  id: string;
  login: string;
  displayName: string;
  role: Role;
  extension: string | null;
}

/**
 * The admin's company settings (calling window, funnel, custom fields, lead sources). Until they
 * load, or when they cannot be read, the product defaults apply.
 */
export function useCompanySettings(): CompanySettings {
  const { data } = useQuery({
    queryKey: settingsKeys.company,
    queryFn: ({ signal }) => api.get<{ settings: CompanySettings }>('/api/settings', { signal }),
    staleTime: 5 * 60_000,
  });
  return data?.settings ?? DEFAULT_COMPANY_SETTINGS;
}

/** Who is who (owners and managers of cards are shown by name). */
export function useUserDirectory(): Map<string, DirectoryUser> {
  const { data } = useQuery({
    queryKey: settingsKeys.directory,
    queryFn: ({ signal }) => api.get<{ items: DirectoryUser[] }>('/api/users/directory', { signal }),
    staleTime: 5 * 60_000,
    select: (answer) => new Map(answer.items.map((user) => [user.id, user])),
  });
  return data ?? EMPTY_DIRECTORY;
}

const EMPTY_DIRECTORY = new Map<string, DirectoryUser>();
